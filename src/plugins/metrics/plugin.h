#pragma once
// The `metrics` plugin (BEHAVIOUR.md §1.11, §3.16; docs/metrics.md): a Prometheus registry
// exposed on `metrics.address` (default 127.0.0.1:2112) from a thread of its own (see
// ScrapeServer), with
//   - process_* metrics of rr itself,
//   - the collectors of every MetricsProvider plugin (the http pool gauges rr_http_*, the
//     http_metrics middleware's request metrics), registered at serve(),
//   - application metrics declared in `metrics.collect` and over RPC (metrics.Declare, Add,
//     Sub, Set, Observe, Unregister: metrics::MetricsRpc) for spiral/roadrunner-metrics.
//
// Registered before the worker plugins (app/plugins.cpp): the registry exists before workers
// boot (they may declare metrics then), and scrapes keep working while the http plugin drains.
//
// Thread safety: plugin calls on the main io_context thread (plugin contract); the registry
// and MetricsRpc are safe from any thread (RPC handlers, scrapes).

#include <memory>

#include "metrics/registry.h"
#include "metrics/rpc_methods.h"
#include "plugins/api/capabilities.h"
#include "plugins/api/observability.h"
#include "plugins/api/plugin.h"
#include "plugins/metrics/config.h"

namespace rr::plugins {

class ScrapeServer;

class MetricsPlugin final : public Plugin, public RpcService {
public:
    static constexpr std::string_view kName = "metrics";

    MetricsPlugin();
    ~MetricsPlugin() override;

    std::string_view name() const noexcept override { return kName; }

    /// Disabled without a `metrics` section. Declares `metrics.collect`; a collector the
    /// registry refuses is a config error.
    InitStatus init(InitContext& ctx) override;
    /// Registers the providers' collectors and starts the listener; a name clash or a bind
    /// error fails the start.
    void serve(ServeContext& ctx) override;
    void stop(Deadline deadline, StopDone done) override;

    // RpcService: metrics.Declare, Add, Sub, Set, Observe, Unregister (spiral/roadrunner-metrics).
    std::string_view rpc_service() const override { return kName; }
    void register_rpc(RpcMethods& methods) override;

    /// The registry behind the endpoint (tests, and plugins that declare into it directly).
    const std::shared_ptr<metrics::Registry>& registry() const noexcept { return registry_; }
    /// The metrics.* RPC methods over the registry.
    metrics::MetricsRpc& rpc() noexcept { return *rpc_; }
    /// The bound listener address ("127.0.0.1:2112"); empty before serve().
    std::string listening_address() const;

private:
    boost::asio::io_context* io_ = nullptr;  // not owned; the main io_context
    MetricsConfig config_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<metrics::Registry> registry_;
    std::unique_ptr<metrics::MetricsRpc> rpc_;
    std::unique_ptr<ScrapeServer> server_;
};

}  // namespace rr::plugins
