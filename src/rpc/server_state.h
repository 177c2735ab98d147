#pragma once
// Internals of rpc::Server shared by server.cpp (listening, stop) and connection.cpp (one
// client). Not part of the module's interface.
//
// Ownership: the Server owns a shared_ptr<ServerState>; every Connection holds one too, so the
// state outlives the Server while coroutines still run. The state knows its open connections by
// raw pointer: a Connection removes itself when it finishes or is destroyed.
// Thread safety: io_context thread only.

#include <sys/types.h>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "rpc/server.h"
#include "transport/async_event.h"
#include "transport/types.h"

namespace spdlog {
class logger;
}

namespace rr::rpc::detail {

namespace asio = boost::asio;
using transport::Awaitable;
using transport::Clock;
using transport::Executor;
using transport::TimePoint;
using Socket = asio::basic_stream_socket<asio::generic::stream_protocol, Executor>;
using TcpAcceptor = asio::basic_socket_acceptor<asio::ip::tcp, Executor>;
using UnixAcceptor = asio::basic_socket_acceptor<asio::local::stream_protocol, Executor>;

class Connection;

struct ServerState : std::enable_shared_from_this<ServerState> {
    ServerState(asio::io_context& io, ServerOptions options, std::shared_ptr<spdlog::logger> log);

    Executor ex;
    ServerOptions options;
    std::shared_ptr<spdlog::logger> log;
    MethodTable methods;
    Endpoint local;

    std::optional<TcpAcceptor> tcp;
    std::optional<UnixAcceptor> unix;
    std::string unix_path;  ///< set while we own a socket file there
    dev_t unix_dev = 0;
    ino_t unix_ino = 0;

    std::unordered_set<Connection*> connections;
    transport::AsyncEvent connection_closed;  ///< wakes an accept loop paused at the cap
    bool stopping = false;
    transport::Timer stop_timer;
    std::vector<std::function<void()>> on_stopped;

    /// Accepts until stopping; pauses at max_connections. `self` keeps the state alive from
    /// the moment the coroutine is created (it starts later, on the io_context).
    template <class Acceptor>
    Awaitable<void> accept_loop(std::shared_ptr<ServerState> self, Acceptor& acceptor, int family,
                                int protocol);

    /// Called by a Connection when it has closed (notify: wake the accept loop, run stop
    /// completions) and again from its destructor (no notify: the io_context may be going).
    void connection_done(Connection* c, bool notify) noexcept;
    /// Closes the acceptors and removes our unix socket file.
    void stop_accepting() noexcept;
    void close_all() noexcept;
    void fire_stopped_if_done();
};

/// One client connection: a reader coroutine that reads requests and starts calls, a writer
/// coroutine that writes replies in the order they complete, and the calls themselves.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(std::shared_ptr<ServerState> state, Socket socket);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start();
    /// Graceful: read no more requests, answer those in flight, then close.
    void request_stop() noexcept;
    /// Hard: close now; replies of calls still running are dropped.
    void close_now() noexcept;

    std::size_t pending() const noexcept { return pending_; }

private:
    // Each coroutine holds `self` so the connection outlives it.
    Awaitable<void> read_loop(std::shared_ptr<Connection> self);
    Awaitable<void> write_loop(std::shared_ptr<Connection> self);
    Awaitable<void> run_call(std::shared_ptr<Connection> self, Call call, Handler handler);

    /// Makes `n` bytes available at rbuf_[begin_..]; false on EOF, error, stop or timeout.
    Awaitable<bool> fill(std::size_t n);
    /// Reads more bytes into the buffer; false on EOF or error.
    Awaitable<bool> read_some();
    /// Reads and drops `n` payload bytes without keeping them.
    Awaitable<bool> discard(std::uint64_t n);
    /// Handles one complete request frame of `frame_size` bytes at rbuf_[begin_].
    void dispatch(std::size_t frame_size);
    void reply(std::string frame);
    void end_reading(const char* why);
    void finish() noexcept;

    std::shared_ptr<ServerState> state_;
    Socket socket_;
    std::vector<char> rbuf_;
    std::size_t begin_ = 0;  ///< first unconsumed byte
    std::size_t end_ = 0;    ///< end of received bytes
    std::deque<std::string> out_;
    std::size_t pending_ = 0;  ///< requests read whose reply is not written yet
    transport::AsyncEvent changed_;
    transport::Watchdog read_deadline_;
    transport::Watchdog write_deadline_;
    bool stop_requested_ = false;
    bool read_timed_out_ = false;
    bool reading_done_ = false;
    bool closed_ = false;
    bool finished_ = false;
};

}  // namespace rr::rpc::detail
