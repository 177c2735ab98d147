#pragma once
// ScrapeServer: the HTTP listener of `metrics.address`, on a thread of its own.
//
// A scrape (gather every family and collector, format, maybe gzip) runs on this thread, never
// on the main I/O thread that serves requests and owns the workers: requests never wait for a
// scrape, and series updates on the request path never wait for it either (the registry's
// handles are lock-free). Collectors that need main-thread state hop there briefly
// (plugins::run_on).
//
// Every path and method answers the exposition, as RoadRunner's promhttp handler does (so a
// scrape config with any metrics_path works); Accept-Encoding picks gzip.
//
// Lifetime: start() on the owner's thread, stop() once, join() after stopped() ran.
// Thread safety: start/stop/join/addresses from the owner's thread; stopped() is called on the
// scrape thread.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/handler.h"
#include "http/settings.h"
#include "metrics/registry.h"

namespace spdlog {
class logger;
}

namespace rr::http {
class Server;
}

namespace rr::plugins {

class ScrapeServer {
public:
    ScrapeServer(std::shared_ptr<const metrics::Registry> registry, http::ServerSettings settings,
                 std::shared_ptr<spdlog::logger> log);
    /// Stops and joins if still running (blocking; the plugin stops it asynchronously first).
    ~ScrapeServer();
    ScrapeServer(const ScrapeServer&) = delete;
    ScrapeServer& operator=(const ScrapeServer&) = delete;

    /// Binds (on the calling thread) and starts the scrape thread. On error nothing runs.
    boost::system::error_code start(std::string* detail);
    /// Bound addresses ("127.0.0.1:2112"); valid after a successful start().
    const std::vector<std::string>& addresses() const noexcept { return addresses_; }

    /// Stops accepting; a scrape in progress may finish until `deadline`; then the thread
    /// ends and calls `stopped` (on the scrape thread) as its last action. Call once.
    void stop(std::chrono::steady_clock::time_point deadline, std::function<void()> stopped);
    /// Waits for the thread (after stopped() ran, this returns at once).
    void join();

private:
    class Handler;

    std::shared_ptr<const metrics::Registry> registry_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::io_context io_{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::unique_ptr<Handler> handler_;
    std::unique_ptr<http::Server> server_;
    std::vector<std::string> addresses_;
    std::function<void()> stopped_;
    std::thread thread_;
};

}  // namespace rr::plugins
