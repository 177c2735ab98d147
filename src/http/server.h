#pragma once
// Server: the HTTP/1.1 listener and its connections (docs/http.md).
//
// One io_context thread runs everything: the accept loop, one coroutine per connection, the
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

#include "http/handler.h"
#include "http/settings.h"

namespace spdlog {
class logger;
}

namespace rr::http {

namespace detail {
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

    /// Binds, listens and starts accepting. Errors: address resolution or bind/listen errors
    /// (e.g. address_in_use), kHttpBadRequest for a host that is not an address.
    boost::system::error_code start();

    /// The bound address (the real port after binding port 0).
    boost::asio::ip::tcp::endpoint local_endpoint() const;

    /// Stops accepting; idle connections close now, busy ones after their current response.
    void stop();
    /// Stops accepting and closes every connection now (in-flight responses are cut).
    void close_all();

    std::size_t connection_count() const noexcept;

    /// Runs `callback` once, on the io_context thread, when the server is stopping (stop() or
    /// close_all() was called) and no connection is left — at once if that is already so.
    void on_drained(std::function<void()> callback);

private:
    std::shared_ptr<detail::ServerState> state_;
};

}  // namespace rr::http
