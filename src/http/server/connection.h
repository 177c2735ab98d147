#pragma once
// The server layer's shared state and its view of a connection (docs/http.md, "Layers").
//
// ServerState is shared by the Server object, the accept loops, the sweep loop and every
// connection. Connection is the base every protocol session derives from: it registers itself
// with the state, holds the one deadline the sweep checks, and is told to expire (a deadline
// passed) or stop (server shutdown). Nothing here knows HTTP/1.1 or HTTP/2.
//
// Executor: everything runs on the server's io_context thread.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <ctime>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/handler.h"
#include "http/settings.h"

namespace spdlog {
class logger;
}

namespace rr::http::server {

namespace asio = boost::asio;
using Executor = asio::io_context::executor_type;
using Clock = std::chrono::steady_clock;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;

class Connection;
class Listener;

/// Shared by the Server object, the accept loops, the sweep loop and every connection.
struct ServerState {
    ServerState(asio::io_context& io, ServerSettings s, Handler& h,
                std::shared_ptr<spdlog::logger> l);
    ~ServerState();

    asio::io_context& ioc;
    ServerSettings settings;
    Handler& handler;
    std::shared_ptr<spdlog::logger> log;
    std::vector<std::unique_ptr<Listener>> listeners;
    std::optional<Timer> sweep_timer;
    std::list<Connection*> connections;  // not owned: each lives in its coroutine frame
    std::size_t parked = 0;              // idle connections whose read buffers' pages went back
    bool stopping = false;
    /// Run once when stopping and the last connection has gone (Server::on_drained).
    std::vector<std::function<void()>> drained;

    /// spdlog's default logger when none was given.
    spdlog::logger& logger() const;
    /// The cached HTTP date, recomputed at most once per second.
    const std::string& date();
    /// The wall-clock time of the steady time `now`, from a steady→system offset that is
    /// re-read at most once per second (one system_clock read per second, not per request).
    std::chrono::system_clock::time_point wall_time(Clock::time_point now);

private:
    std::time_t date_second_ = 0;
    std::string date_;
    bool wall_offset_valid_ = false;
    Clock::time_point wall_offset_read_{};
    std::chrono::system_clock::duration wall_offset_{};
};

/// One accepted connection as the server layer sees it. A session (h1, h2) or a TLS handshake
/// derives from it; a connection that changes hands (handshake → session, h1 → h2) is a new
/// Connection object for each stage.
class Connection {
public:
    explicit Connection(std::shared_ptr<ServerState> state);
    virtual ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// The sweep expires the connection once this has passed (max() = no deadline).
    Clock::time_point deadline() const noexcept { return deadline_; }
    /// A deadline passed: mark the connection timed out and cancel its pending I/O.
    virtual void expire() noexcept = 0;
    /// Server stop: idle connections close now, busy ones after their current response;
    /// `hard` closes at once.
    virtual void stop(bool hard) noexcept = 0;
    /// Called by the sweep for a connection whose deadline has not passed: a session idle
    /// since before `idle_before` may give its buffers back (h1 over plain streams does).
    virtual void park_if_idle(Clock::time_point idle_before) noexcept { (void)idle_before; }

protected:
    void set_deadline(Clock::duration d) noexcept {
        deadline_ = d.count() > 0 ? Clock::now() + d : Clock::time_point::max();
    }
    /// The same from a time already read.
    void set_deadline(Clock::time_point now, Clock::duration d) noexcept {
        deadline_ = d.count() > 0 ? now + d : Clock::time_point::max();
    }

    std::shared_ptr<ServerState> state_;
    Clock::time_point deadline_ = Clock::time_point::max();

private:
    std::list<Connection*>::iterator self_;
};

}  // namespace rr::http::server
