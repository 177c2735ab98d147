#pragma once
// The `server` plugin (BEHAVIOUR.md §1.1): owns the worker command, environment and relay,
// runs `server.on_init` once, and gives worker plugins (http, ...) the options of their pools
// through the WorkerPoolProvider capability, as RoadRunner's server plugin does.
//
// Thread safety: main io_context thread only (plugin contract).

#include <optional>
#include <string_view>

#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"
#include "plugins/server/config.h"
#include "transport/async_event.h"

namespace rr::plugins {

class ServerPlugin final : public Plugin, public WorkerPoolProvider {
public:
    static constexpr std::string_view kName = "server";
    std::string_view name() const noexcept override { return kName; }

    /// Disabled without a `server` section.
    InitStatus init(InitContext& ctx) override;
    /// Runs on_init (if any) in the background; worker plugins wait for it via wait_ready().
    void serve(ServeContext& ctx) override;

    // WorkerPoolProvider
    pool::PoolOptions pool_options(const PoolConfig& pool, std::string_view mode,
                                   std::shared_ptr<spdlog::logger> logger) const override;
    transport::Awaitable<bool> wait_ready() override;

private:
    /// The environment every worker (and on_init) gets; RR_MODE=`mode` unless empty.
    std::vector<std::pair<std::string, std::string>> worker_environment(
        std::string_view mode) const;

    ServerConfig config_;
    std::string rpc_address_;  // RR_RPC; empty without an rpc section
    std::shared_ptr<spdlog::logger> logger_;
    std::shared_ptr<spdlog::logger> worker_logger_;  // "server": worker stderr lines
    std::optional<transport::AsyncEvent> ready_event_;
    std::optional<bool> ready_;  // set when on_init is over: true = go on
};

}  // namespace rr::plugins
