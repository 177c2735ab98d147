#pragma once
// PlainStream: the byte stream of a plain TCP or unix-socket connection, as the sessions use it.
//
// The calls are inline pass-throughs to the socket (server/stream.h gives the concept), so the
// plain HTTP/1.1 path costs what it did when the session owned the socket: no virtual call and
// no extra coroutine frame per read or write.
//
// Executor: the server's io_context thread.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/error_code.hpp>

#include "http/server/listener.h"
#include "http/server/stream.h"

namespace rr::http::server {

class PlainStream {
public:
    using error_code = boost::system::error_code;

    explicit PlainStream(Socket socket) : socket_(std::move(socket)) {}

    Socket& socket() noexcept { return socket_; }

    /// Not a coroutine: returns Asio's own awaitable, so awaiting it costs what awaiting
    /// async_read_some directly does.
    boost::asio::awaitable<std::size_t> read_some(boost::asio::mutable_buffer buffer,
                                                  error_code& ec) {
        return socket_.async_read_some(buffer,
                                       boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }

    /// Completes when the socket is readable (a parked idle session waits so, holding no
    /// buffer).
    boost::asio::awaitable<void> wait_read(error_code& ec) {
        return socket_.async_wait(Socket::wait_read,
                                  boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }

    /// One non-blocking sendmsg (the socket is in user non-blocking mode).
    std::size_t write_now(const WriteBuffers& bufs, error_code& ec) {
        std::size_t n = socket_.write_some(bufs, ec);
        if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
            ec = {};
            n = 0;
        }
        return n;
    }
    static constexpr bool write_pending() noexcept { return false; }

    boost::asio::awaitable<std::size_t> write_all(const WriteBuffers& bufs, error_code& ec) {
        return boost::asio::async_write(
            socket_, bufs, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }

    void shutdown_send(error_code& ec) { socket_.shutdown(Socket::shutdown_send, ec); }
    void cancel() noexcept {
        error_code ec;
        socket_.cancel(ec);
    }
    void close() noexcept {
        error_code ec;
        socket_.close(ec);
    }
    bool is_open() const noexcept { return socket_.is_open(); }

    /// Zero-copy file bodies (h1::Session::send_file): the descriptor for sendfile(2) and a
    /// wait until the socket takes more. A stream without these (TLS) gets bounded reads.
    static constexpr bool kSendfile = true;
    int native_handle() noexcept { return socket_.native_handle(); }
    boost::asio::awaitable<void> wait_writable(error_code& ec) {
        return socket_.async_wait(Socket::wait_write,
                                  boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }

private:
    Socket socket_;
};

}  // namespace rr::http::server
