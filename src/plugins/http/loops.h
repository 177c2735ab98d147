#pragma once
// HttpLoops: `http.io_threads` > 1 (docs/scaling.md, "Design of http.io_threads"). N threads,
// each running its own io_context(1), and per loop: a shard of the worker pool (num_workers / N,
// the remainder to the first loops), a PoolHandler (which may run a job on another loop's idle
// worker, shards.h), the middleware chain around it, and an http::Server whose TCP listeners
// bind the same addresses as the other loops' with SO_REUSEPORT (the kernel spreads the
// connections). Unix-socket listeners are opened on loop 0 only.
//
// With io_threads = 1 the http plugin does not use this class: one loop, the main one.
//
// Thread safety: every member function on the main io_context's thread (the plugin's), except
// workers() and the hints (any thread other than the loops'). The loops' objects are touched on
// their own loop only (the main thread reaches them with posts).

#include <spdlog/logger.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "http/settings.h"
#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"
#include "plugins/http/handler.h"
#include "plugins/http/shards.h"
#include "pool/pool.h"

namespace rr::http {
class Middleware;
class MiddlewareChain;
class Server;
}  // namespace rr::http

namespace rr::plugins {

/// `num_workers` split over `loops` shards: num_workers / loops each, the remainder to the
/// first ones. Every share is at least 1 (callers ensure loops <= num_workers).
std::vector<std::size_t> shard_sizes(std::size_t num_workers, std::size_t loops);

class HttpLoops {
public:
    struct Setup {
        pool::PoolOptions pool;        ///< the whole pool's options; split per shard here
        PoolHandler::Options handler;  ///< the codec is negotiated here
        std::vector<std::shared_ptr<http::Middleware>> middleware;  ///< outermost first
        http::ServerSettings server;
        std::shared_ptr<spdlog::logger> log;
    };

    /// Starts `count` (>= 2) threads, each running its own io_context. `main` is the plugin's
    /// (main) io_context, where control-plane completions are delivered.
    HttpLoops(boost::asio::io_context& main, std::size_t count);
    /// Stops and joins the threads (if shutdown() did not already).
    ~HttpLoops();
    HttpLoops(const HttpLoops&) = delete;
    HttpLoops& operator=(const HttpLoops&) = delete;

    /// Starts every shard's pool (loop by loop), then the servers (loop 0 first: the others bind
    /// its ports). Returns an empty string on success, else the failure ("cannot start the
    /// worker pool: ...", "cannot listen: ...").
    transport::Awaitable<std::string> start(Setup setup);
    /// Every loop stops accepting and drains its connections (until `deadline`), then every
    /// shard's pool is destroyed, then the threads are joined.
    transport::Awaitable<void> shutdown(Deadline deadline);

    /// `rr reset`: each shard's rolling reset, one shard after the other.
    void reset(ControlDone done);
    /// informer.AddWorker: to the shard with the fewest workers; RemoveWorker: from the one
    /// with the most.
    void add_worker(ControlDone done);
    void remove_worker(ControlDone done);
    /// Every shard's workers (asks each loop, up to 2 s each; a loop that does not answer
    /// contributes none). Not on a loop thread.
    std::vector<worker::WorkerInfo> workers() const;

    std::size_t live_hint() const noexcept;  ///< live workers, all shards
    std::size_t idle_hint() const noexcept;  ///< idle workers, all shards
    std::size_t count() const noexcept { return loops_.size(); }
    bool started() const noexcept { return ready_.load(std::memory_order_acquire); }
    /// Every listener's address (loop 0's, which has them all), "a, b".
    const std::string& addresses() const noexcept { return addresses_; }
    protocol::HttpCodec codec() const noexcept { return codec_; }

private:
    struct Loop {
        std::unique_ptr<boost::asio::io_context> io;
        std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
            guard;
        std::thread thread;
        std::shared_ptr<pool::Pool> pool;
        std::unique_ptr<PoolHandler> handler;
        std::unique_ptr<http::MiddlewareChain> chain;
        std::unique_ptr<http::Server> server;
    };

    /// Runs `fn(i)` on every loop i at once; completes (on the caller's executor) when all
    /// have finished.
    transport::Awaitable<void> on_every_loop(
        std::function<transport::Awaitable<void>(std::size_t)> fn);
    /// `op` on one shard's pool, on its loop.
    transport::Awaitable<Result<void>> on_shard(
        std::size_t i, std::function<transport::Awaitable<Result<void>>(pool::Pool&)> op);
    void control(ControlDone done, std::function<transport::Awaitable<Result<void>>()> body);
    void join();

    boost::asio::io_context& main_;
    std::vector<Loop> loops_;
    std::unique_ptr<ShardSet> shards_;
    std::shared_ptr<spdlog::logger> log_;
    std::string addresses_;
    protocol::HttpCodec codec_ = protocol::HttpCodec::kJson;
    std::atomic<bool> ready_{false};  ///< start() succeeded (workers() and hints may look)
    bool stopping_ = false;
    bool joined_ = false;
    std::mutex exit_mu_;
    std::condition_variable exit_cv_;
    std::size_t exited_ = 0;  ///< threads whose run() returned (under exit_mu_)
};

}  // namespace rr::plugins
