#pragma once
// The `server` plugin (BEHAVIOUR.md §1.1): owns the worker command, environment and relay,
// runs `server.on_init` once, and gives worker plugins (http, ...) the options of their pools
// through the WorkerPoolProvider capability, as RoadRunner's server plugin does.
//
// Thread safety: main io_context thread only (plugin contract).

#include "app/plugin.h"
#include "pool/pool.h"
#include "transport/async_event.h"

#include <optional>
#include <string_view>

namespace rr::plugins {

/// Capability of the server plugin, required by every plugin that runs PHP workers.
class WorkerPoolProvider {
public:
    virtual ~WorkerPoolProvider() = default;

    /// Pool options for a plugin's `pool` section: command (pool.command or server.command),
    /// environment (RR_RELAY, RR_RPC, server.env, RR_VERSION, RR_MODE=`mode`), relay, limits,
    /// supervisor and loggers (`logger` for pool events, the `server` logger for worker stderr).
    virtual pool::PoolOptions pool_options(const config::PoolConfig& pool, std::string_view mode,
                                           std::shared_ptr<spdlog::logger> logger) const = 0;

    /// Completes once `server.on_init` has finished (at once without it). False when on_init
    /// failed with `exit_on_error`: the server is stopping and no pool should start.
    virtual transport::Awaitable<bool> wait_ready() = 0;
};

class ServerPlugin final : public app::Plugin, public WorkerPoolProvider {
public:
    static constexpr std::string_view kName = "server";
    std::string_view name() const noexcept override { return kName; }

    /// Disabled without a `server` section.
    app::InitStatus init(app::InitContext& ctx) override;
    /// Runs on_init (if any) in the background; worker plugins wait for it via wait_ready().
    void serve(app::ServeContext& ctx) override;

    // WorkerPoolProvider
    pool::PoolOptions pool_options(const config::PoolConfig& pool, std::string_view mode,
                                   std::shared_ptr<spdlog::logger> logger) const override;
    transport::Awaitable<bool> wait_ready() override;

private:
    const config::Config* config_ = nullptr;  // owned by the caller of Container; outlives us
    std::shared_ptr<spdlog::logger> logger_;
    std::shared_ptr<spdlog::logger> worker_logger_;  // "server": worker stderr lines
    std::optional<transport::AsyncEvent> ready_event_;
    std::optional<bool> ready_;  // set when on_init is over: true = go on
};

}  // namespace rr::plugins
