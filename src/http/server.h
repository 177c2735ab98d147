#pragma once
// Server: the HTTP server: its listeners (TCP, unix socket) and their connections
// (docs/http.md). The layers below it: server/ (listeners, connection registry, deadlines,
// byte streams), h1/ (the HTTP/1.1 session); the Handler sees only Request/ResponseWriter.
//
// One io_context thread runs everything: the accept loops, one coroutine per connection, the
// handler, and ONE sweep timer that closes connections past their header/idle/read/write
// deadline (no timer per read). Responses are written with one write per call (head and body
// together, TCP_NODELAY).
//
// Lifetime: construct, start(), run the io_context. stop() stops accepting and closes idle
// connections; busy connections close after their current response; the io_context then runs
// out of work from this server. The Handler must outlive every connection (i.e. until the
// io_context has finished running or was destroyed). Destroying the Server before its
// connections ended is safe (they hold the shared state) but they are closed abruptly.
//
// The io_context must outlive the Server.
//
// Thread safety: all methods on the io_context's thread (or before it runs).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/handler.h"
#include "http/settings.h"

namespace spdlog {
class logger;
}

namespace rr::http {

namespace server {
struct ServerState;
}

class Server {
public:
    /// `log` may be null (spdlog's default logger is used).
    Server(boost::asio::io_context& ioc, ServerSettings settings, Handler& handler,
           std::shared_ptr<spdlog::logger> log = nullptr);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds every listener, listens and starts accepting; on an error nothing is left open.
    /// Errors: address resolution or bind/listen errors (e.g. address_in_use), kHttpBadRequest
    /// for a host that is not an address, file_exists for a unix socket path that holds
    /// another kind of file. `detail`, when given, receives a message naming the listener's
    /// config key ("http.address: unix:///run/app.sock: exists and is not a unix socket; ...").
    boost::system::error_code start(std::string* detail = nullptr);

    /// The bound address of the first TCP listener (the real port after binding port 0);
    /// empty when there is none.
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    /// Every listener's address, in settings order: "127.0.0.1:8080", "unix:///run/app.sock".
    std::vector<std::string> addresses() const;
    /// Each listener's bound TCP endpoint, in settings order (a default endpoint for unix
    /// listeners): http.io_threads opens the other loops' listeners on the same ports.
    std::vector<boost::asio::ip::tcp::endpoint> tcp_endpoints() const;

    /// Stops accepting; idle connections close now, busy ones after their current response.
    void stop();
    /// Stops accepting and closes every connection now (in-flight responses are cut).
    void close_all();

    std::size_t connection_count() const noexcept;
    /// Idle connections whose buffers' pages went back: parked h1, and h1 over TLS and h2
    /// with their buffers released in place (docs/http.md, "Memory of idle connections").
    std::size_t parked_count() const noexcept;

    /// Runs `callback` once, on the io_context thread, when the server is stopping (stop() or
    /// close_all() was called) and no connection is left — at once if that is already so.
    void on_drained(std::function<void()> callback);

private:
    std::shared_ptr<server::ServerState> state_;
};

}  // namespace rr::http
