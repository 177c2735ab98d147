#include "plugins/server/plugin.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "common/version.h"
#include "process/environment.h"
#include "process/on_init.h"

namespace rr::plugins {

std::vector<std::pair<std::string, std::string>> ServerPlugin::worker_environment(
    std::string_view mode) const {
    process::WorkerEnvInput in;
    in.user_env = config_.env;
    in.relay = config_.relay_text;
    in.rpc = rpc_address_;
    in.mode = std::string(mode);
    in.version = std::string(kCompatVersion);
    return process::worker_env(in);
}

InitStatus ServerPlugin::init(InitContext& ctx) {
    const config::Node* section = ctx.section(kName);
    if (section == nullptr) return InitStatus::kDisabled;
    config_ = ctx.decode(*section, std::string(kName), decode_server_config);
    rpc_address_ = rpc_address(ctx.config());
    logger_ = ctx.logger();
    worker_logger_ = ctx.logging().get("server");
    ready_event_.emplace(ctx.io().get_executor());
    ctx.logger()->debug("worker command: {}, relay: {}", fmt::join(config_.command, " "),
                        config_.relay_text);
    return InitStatus::kEnabled;
}

void ServerPlugin::serve(ServeContext& ctx) {
    const auto& on_init = config_.on_init;
    if (!on_init) {
        ready_ = true;
        return;
    }
    process::SpawnOptions spawn;
    spawn.argv = on_init->command;
    spawn.env = worker_environment("");
    for (const auto& [k, v] : on_init->env) spawn.env.emplace_back(k, v);
    spawn.user = on_init->user.empty() ? config_.user : on_init->user;
    spawn.stdin_mode = process::Stdio::kNull;
    const bool exit_on_error = on_init->exit_on_error;
    boost::asio::co_spawn(
        ctx.io(),
        [this, ctx, spawn = std::move(spawn), timeout = on_init->exec_timeout,
         exit_on_error]() -> transport::Awaitable<void> {
            auto result = co_await process::run_on_init(spawn, timeout, logger_);
            if (!result && exit_on_error) {
                ready_ = false;
                ctx.fail("server.on_init failed: " + result.error().message());
            } else {
                ready_ = true;
            }
            ready_event_->notify_all();
        },
        boost::asio::detached);
}

transport::Awaitable<bool> ServerPlugin::wait_ready() {
    while (!ready_) {
        co_await ready_event_->wait_until(transport::TimePoint::max());
    }
    co_return *ready_;
}

pool::PoolOptions ServerPlugin::pool_options(const PoolConfig& pool, std::string_view mode,
                                             std::shared_ptr<spdlog::logger> logger) const {
    const auto& server = config_;
    pool::PoolOptions o;
    o.spawn.argv = pool.command.empty() ? server.command : pool.command;
    o.spawn.env = worker_environment(mode);
    o.spawn.user = server.user;
    o.spawn.group = server.group;
    o.relay = server.relay_text;
    o.num_workers = pool.num_workers;
    o.max_jobs = pool.max_jobs;
    o.allocate_timeout = pool.allocate_timeout;
    o.reset_timeout = pool.reset_timeout;
    o.destroy_timeout = pool.destroy_timeout;
    o.stream_timeout = pool.stream_timeout;
    o.max_queue_size = pool.max_queue_size;
    o.debug = pool.debug;
    if (pool.supervisor) {
        o.supervisor.watch_tick = pool.supervisor->watch_tick;
        o.supervisor.ttl = pool.supervisor->ttl;
        o.supervisor.idle_ttl = pool.supervisor->idle_ttl;
        o.supervisor.max_worker_memory = pool.supervisor->max_worker_memory_mb * 1024 * 1024;
        o.supervisor.exec_ttl = pool.supervisor->exec_ttl;
    }
    if (pool.dynamic_allocator) {
        o.dynamic_allocator.max_workers = pool.dynamic_allocator->max_workers;
        o.dynamic_allocator.spawn_rate = pool.dynamic_allocator->spawn_rate;
        o.dynamic_allocator.idle_timeout = pool.dynamic_allocator->idle_timeout;
    }
    o.logger = std::move(logger);
    o.server_logger = worker_logger_;
    return o;
}

}  // namespace rr::plugins
