#pragma once
// Listener: one listening socket, TCP or unix (docs/http.md, "Listeners").
//
// Both kinds use Asio's generic stream protocol, so every accepted socket has the same type
// whatever its address family, and the sessions are compiled once for it.
//
// Unix sockets: a stale socket file (one nobody accepts on) is replaced; a live one is refused
// (address in use); any other file at the path (regular file, directory, symlink, ...) is
// refused and left alone. The file is created with ListenerSettings::unix_mode (the umask can
// only narrow it until it is set exactly, right after bind and before listen) and removed
// by close() if it is still the file we created.
//
// Executor: the server's io_context thread.

#include <sys/types.h>

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

#include "http/settings.h"

namespace rr::http {
class Handler;
}

namespace rr::http::server {

using Protocol = boost::asio::generic::stream_protocol;
using Socket = boost::asio::basic_stream_socket<Protocol, boost::asio::io_context::executor_type>;
using Acceptor =
    boost::asio::basic_socket_acceptor<Protocol, boost::asio::io_context::executor_type>;

class Listener {
public:
    /// Binds and listens. On failure returns null, sets `ec` and `detail` (a message naming
    /// the listener's config key, e.g. "http.address: unix:///run/app.sock: ...").
    static std::unique_ptr<Listener> open(boost::asio::io_context& ioc,
                                          const ListenerSettings& settings,
                                          boost::system::error_code& ec, std::string& detail);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    const ListenerSettings& settings() const noexcept { return settings_; }
    bool is_unix() const noexcept { return settings_.kind == ListenerSettings::Kind::kUnix; }
    Acceptor& acceptor() noexcept { return acceptor_; }

    /// The bound TCP endpoint (the real port after binding port 0); empty for unix.
    boost::asio::ip::tcp::endpoint tcp_endpoint() const;
    /// For logs: "127.0.0.1:8080", "[::]:8080" or "unix:///run/app.sock".
    std::string address() const;

    /// Stops accepting; removes the unix socket file if it is still ours. Idempotent.
    void close() noexcept;

    /// The handler of this listener's requests (the server's, or a RedirectHandler it owns).
    Handler* handler() const noexcept { return handler_; }
    void set_handler(Handler& h) noexcept { handler_ = &h; }
    /// Gives the listener a handler to own (and use).
    void own_handler(std::unique_ptr<Handler> h) noexcept;

private:
    Listener(boost::asio::io_context& ioc, ListenerSettings settings);
    boost::system::error_code open_tcp(boost::asio::io_context& ioc, std::string& detail);
    boost::system::error_code open_unix(std::string& detail);

    ListenerSettings settings_;
    Acceptor acceptor_;
    boost::asio::ip::tcp::endpoint tcp_endpoint_;
    Handler* handler_ = nullptr;            // the server's, or own_handler_
    std::unique_ptr<Handler> own_handler_;  // e.g. the redirect handler
    bool unix_file_ours_ = false;           // we created the socket file (close() unlinks it)
    dev_t unix_dev_ = 0;
    ino_t unix_ino_ = 0;
};

}  // namespace rr::http::server
