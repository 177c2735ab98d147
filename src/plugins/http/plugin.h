#pragma once
// The `http` plugin (BEHAVIOUR.md §1.2): a worker pool (RR_MODE=http) from the `server`
// plugin, the HTTP/1.1 server on `http.address`, and between them the middleware chain from
// `http.middleware` (providers collected at serve(), http/middleware.h) around the PoolHandler.
// `rr reset` replaces the workers (Resettable); `rr workers` lists them (WorkerInformer); the
// status plugin asks it for health and readiness (StatusProvider); the metrics plugin exposes
// its pool gauges rr_http_* (MetricsProvider).
//
// Stop order: stop accepting, let in-flight responses finish (until the deadline), then
// destroy the pool (stop command, destroy_timeout, SIGKILL).
//
// `http.io_threads` > 1: the pool shards, handlers and servers live on their own loops
// (HttpLoops, docs/scaling.md); this plugin forwards the control plane to them.
//
// Thread safety: main io_context thread only (plugin contract).

#include <memory>

#include "http/tls/context.h"
#include "plugins/api/capabilities.h"
#include "plugins/api/observability.h"
#include "plugins/api/plugin.h"
#include "plugins/http/config.h"
#include "plugins/http/handler.h"

namespace rr::http {
class Middleware;
class MiddlewareChain;
class Server;
}  // namespace rr::http

namespace rr::plugins {

class HttpLoops;

class HttpPlugin final : public Plugin,
                         public Resettable,
                         public WorkerInformer,
                         public WorkerScaler,
                         public StatusProvider,
                         public MetricsProvider {
public:
    static constexpr std::string_view kName = "http";

    HttpPlugin();
    ~HttpPlugin() override;

    std::string_view name() const noexcept override { return kName; }
    std::vector<std::string_view> dependencies() const override { return {"server"}; }

    /// Disabled without an `http` section; the loader already validated it.
    InitStatus init(InitContext& ctx) override;
    /// Starts the pool, then the listener; a failure of either stops the server (exit 1).
    void serve(ServeContext& ctx) override;
    void stop(Deadline deadline, StopDone done) override;

    // Resettable: the pool's rolling reset (a new worker is up before an old one leaves).
    void reset(ControlDone done) override;
    // WorkerInformer
    std::vector<WorkerInfo> workers() const override;
    // WorkerScaler: informer.AddWorker / informer.RemoveWorker (Pool::add_worker/remove_worker).
    void add_worker(ControlDone done) override;
    void remove_worker(ControlDone done) override;
    // StatusProvider: health = a worker ready or working; readiness = a worker idle.
    std::optional<int> health_status() const override;
    std::optional<int> ready_status() const override;
    // MetricsProvider: rr_http_total_workers, rr_http_worker_state, ... (scrape thread).
    std::vector<std::shared_ptr<const metrics::Collector>> metrics_collectors() override;

    /// The bound listener address ("127.0.0.1:8080"), empty before serve() finished starting.
    std::string listening_address() const;

private:
    /// One warning per configured key this build parses but does not serve yet.
    void warn_unserved(const InitContext& ctx);
    /// middleware_ from `http.middleware` and the providers in `registry`; warns for names no
    /// enabled plugin provides and for middleware sections whose name is not listed.
    void build_middleware(const Registry& registry);
    boost::asio::awaitable<void> start(ServeContext ctx, std::function<void()> started);
    boost::asio::awaitable<void> shutdown(Deadline deadline, StopDone done);
    /// Runs `op` on the pool and reports its result to `done`; kPoolStopped without a pool.
    void pool_operation(ControlDone done,
                        std::function<boost::asio::awaitable<Result<void>>(pool::Pool&)> op);

    boost::asio::io_context* io_ = nullptr;  // not owned; the main io_context
    HttpConfig config_;
    std::shared_ptr<const http::tls::TlsContext> tls_;  // http.ssl; null without it
    WorkerPoolProvider* provider_ = nullptr;  // the server plugin; outlives us (dependency)
    std::shared_ptr<spdlog::logger> log_;
    pool::PoolOptions pool_options_;
    /// The workers of every pool of this plugin, for the metrics scrape thread.
    std::shared_ptr<worker::WorkerRoster> roster_ = std::make_shared<worker::WorkerRoster>();
    PoolHandler::Options handler_options_;

    std::shared_ptr<pool::Pool> pool_;
    std::unique_ptr<PoolHandler> handler_;
    std::vector<std::shared_ptr<http::Middleware>> middleware_;  // outermost first
    std::unique_ptr<http::MiddlewareChain> chain_;  // around handler_; null without middleware
    std::vector<std::string> configured_sections_;  // http.<middleware section> keys present
    std::unique_ptr<http::Server> server_;
    /// http.io_threads resolved: 1 = the members above on the main loop; > 1 = loops_.
    std::size_t io_threads_ = 1;
    std::unique_ptr<HttpLoops> loops_;  // io_threads_ > 1: the loops and everything on them
    bool starting_ = false;
    bool stopping_ = false;
    StopDone pending_stop_;  // stop() arrived while start() was still running
    Deadline pending_deadline_{};
};

}  // namespace rr::plugins
