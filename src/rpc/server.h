#pragma once
// rpc::Server: goridge RPC over TCP or a unix socket (docs/rpc.md; PROTOCOL.md §5).
//
// One coroutine pair (reader, writer) per connection on the given io_context, one coroutine per
// call. Calls on one connection are pipelined: the reader keeps reading while handlers run, each
// reply carries its request's seq and goes out when ready (possibly out of order); the writer is
// the only one writing, so replies never interleave. Limits (ServerOptions):
//   * max_in_flight requests per connection between "read" and "reply written": beyond that the
//     reader stops reading (TCP backpressure), so memory stays bounded;
//   * max_request_size payload bytes per request: a larger declared length is never allocated,
//     the payload is read and discarded, and the call gets an error reply;
//   * read_timeout for the rest of a frame once its first byte arrived (idle time between frames
//     is unlimited: PHP keeps its RPC connection for the worker's life);
//   * write_timeout for each write of replies (a client that stops reading is closed);
//   * max_connections: beyond it the server stops accepting until one closes.
// A broken frame (bad CRC, header length, not 2 options) or a read timeout ends reading on that
// connection: calls in flight are answered, then it closes (as Go's net/rpc). EOF (the client
// half-closed) does the same. Nothing a client sends can stop the server or other connections.
//
// Unix sockets: an existing socket file nobody listens on is replaced; a live one (a server
// answers) fails with kRpcSocketInUse; any other file is never touched (kRpcSocketNotSocket).
// The new socket gets ServerOptions::unix_socket_mode before it accepts; stop()/close() remove
// it if it is still ours.
//
// Lifetime: construct, register methods, start(), run the io_context. stop() is graceful,
// close() is hard; the destructor calls close(). The io_context must outlive the Server.
// Handlers still running after close() finish on the io_context; their replies are dropped.
//
// Thread safety: every method on the io_context's thread (or before it runs).

#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "rpc/endpoint.h"
#include "rpc/methods.h"

namespace spdlog {
class logger;
}

namespace rr::rpc {

struct ServerOptions {
    std::uint32_t max_request_size = 64u << 20;  ///< payload bytes (method + body) per request
    std::size_t max_in_flight = 64;              ///< per connection, >= 1
    std::size_t max_connections = 256;           ///< >= 1
    std::chrono::steady_clock::duration read_timeout = std::chrono::seconds(30);
    std::chrono::steady_clock::duration write_timeout = std::chrono::seconds(30);
    unsigned unix_socket_mode = 0660;  ///< owner and group may connect
};

namespace detail {
struct ServerState;
}

class Server {
public:
    /// `log` may be null (spdlog's default logger is used).
    explicit Server(boost::asio::io_context& io, ServerOptions options = {},
                    std::shared_ptr<spdlog::logger> log = nullptr);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// The method table; fill it before start() (or later, on the io_context thread).
    MethodTable& methods() noexcept;

    /// Binds and listens on `endpoint` and starts accepting. Call once.
    /// Errors: bind/listen errno values (address_in_use, access_denied, name_too_long, ...),
    /// host_not_found for a name that does not resolve, kRpcSocketInUse, kRpcSocketNotSocket.
    boost::system::error_code start(const Endpoint& endpoint);

    /// The bound address (the real port after port 0); valid after a successful start().
    const Endpoint& local_endpoint() const noexcept;

    /// Graceful stop: stop accepting (the unix socket file goes), stop reading, let calls in
    /// flight finish and their replies go out, then close each connection. Connections still
    /// open at `deadline` are closed hard. `done` (may be empty) runs once on the io_context
    /// when no connection is left. Calling stop() again only adds `done` (earliest deadline
    /// wins).
    void stop(std::chrono::steady_clock::time_point deadline, std::function<void()> done = {});

    /// Hard stop: stop accepting and close every connection now (calls in flight lose their
    /// replies). Pending stop() completions run.
    void close();

    std::size_t connection_count() const noexcept;
    /// Requests read but not yet answered, over all connections (tests, metrics).
    std::size_t calls_in_flight() const noexcept;

private:
    std::shared_ptr<detail::ServerState> state_;
};

}  // namespace rr::rpc
