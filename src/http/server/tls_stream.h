#pragma once
// TlsStream: the byte stream of a TLS connection (server/stream.h gives the concept): a socket
// plus a tls::TlsEngine. Plaintext written is encrypted into the engine's output and sent with
// the same one-sendmsg-when-possible policy as PlainStream; reads decrypt what the socket
// brings, answering post-handshake messages (key updates) on the way.
//
// One writer at a time: a write that has to wait (write_all, or a flush inside read_some) owns
// the ciphertext in flight; other output stays in the engine until the next write or flush.
// The HTTP/1.1 session never reads and writes at once; the HTTP/2 session serialises its
// writes and calls flush_pending() after reads.
//
// Executor: the server's io_context thread.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

#include "http/server/listener.h"
#include "http/server/stream.h"
#include "http/tls/engine.h"

namespace rr::http::server {

class TlsStream {
public:
    using error_code = boost::system::error_code;

    TlsStream(Socket socket, const tls::TlsContext& context);
    TlsStream(TlsStream&&) noexcept;
    TlsStream& operator=(TlsStream&&) noexcept;
    ~TlsStream();

    Socket& socket() noexcept { return socket_; }
    tls::TlsEngine& engine() noexcept { return *engine_; }

    /// Runs the TLS handshake. Errors: socket errors, eof, protocol_error (the TLS alert or
    /// reason is in engine().error()).
    boost::asio::awaitable<error_code> handshake();

    boost::asio::awaitable<std::size_t> read_some(boost::asio::mutable_buffer buffer,
                                                  error_code& ec);
    std::size_t write_now(const WriteBuffers& bufs, error_code& ec);
    bool write_pending() const noexcept;
    boost::asio::awaitable<std::size_t> write_all(const WriteBuffers& bufs, error_code& ec);
    /// Sends whatever ciphertext is pending (e.g. after a read produced a key-update answer).
    boost::asio::awaitable<error_code> flush_pending();

    /// An idle connection's buffers go back (see TlsEngine::release_idle_memory): call only
    /// from the connection's own thread; a pending read stays valid.
    void release_idle_memory() noexcept {
        engine_->release_idle_memory();
        if (!write_in_flight_ && sent_ == sending_.size()) {
            std::string().swap(sending_);
            sent_ = 0;
        }
    }

    /// Queues close_notify, sends what it can without waiting, then half-closes the socket.
    void shutdown_send(error_code& ec);
    void cancel() noexcept;
    void close() noexcept;
    bool is_open() const noexcept { return socket_.is_open(); }

private:
    /// Sends pending ciphertext without waiting; true when nothing is left.
    bool flush_now(error_code& ec);
    /// Sends pending ciphertext, waiting as needed.
    boost::asio::awaitable<void> flush(error_code& ec);
    /// Encrypts at most `budget` bytes of `bufs` (starting at the `skip`-th byte).
    std::size_t encrypt(const WriteBuffers& bufs, std::size_t skip, std::size_t budget,
                        error_code& ec);

    Socket socket_;
    std::unique_ptr<tls::TlsEngine> engine_;
    std::string sending_;  // ciphertext taken from the engine, not yet sent from sent_ on
    std::size_t sent_ = 0;
    bool write_in_flight_ = false;
};

}  // namespace rr::http::server
