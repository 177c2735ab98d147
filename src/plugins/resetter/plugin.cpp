#include "plugins/resetter/plugin.h"

#include <fmt/format.h>

#include <chrono>

#include "plugins/api/control.h"
#include "rpc/json.h"

namespace rr::plugins {

namespace asio = boost::asio;

InitStatus ResetterPlugin::init(InitContext& ctx) {
    io_ = &ctx.io();
    log_ = ctx.logger();
    return InitStatus::kEnabled;
}

void ResetterPlugin::serve(ServeContext& ctx) {
    registry_ = &ctx.registry();
}

std::vector<std::string> ResetterPlugin::list() const {
    std::vector<std::string> out;
    if (registry_ == nullptr) return out;
    for (const auto& [name, resettable] : registry_->collect<Resettable>()) {
        out.emplace_back(name);
    }
    return out;
}

void ResetterPlugin::register_rpc(RpcMethods& methods) {
    methods.add_sync("List",
                     [this](const rpc::Call& call) { return rpc::json_reply(call, list()); });
    methods.add("Reset", [this](const rpc::Call& call) -> asio::awaitable<rpc::Reply> {
        auto plugin = rpc::json_argument<std::string>(call);
        if (!plugin) co_return rpc::Reply::failure(std::move(plugin).error());
        Resettable* target = nullptr;
        if (registry_ != nullptr) {
            for (const auto& [name, r] : registry_->collect<Resettable>()) {
                if (name == plugin.value()) target = r;
            }
        }
        if (target == nullptr) {
            co_return rpc::Reply::failure("no such plugin: " + plugin.value());
        }
        log_->info("resetting plugin {}", plugin.value());
        const auto started = std::chrono::steady_clock::now();
        const auto ec = co_await await_control(
            io_->get_executor(), [target](ControlDone done) { target->reset(std::move(done)); });
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        if (ec) {
            log_->error("reset of plugin {} failed after {:.3f}s: {}", plugin.value(), took.count(),
                        ec.message());
            co_return rpc::Reply::failure(
                fmt::format("reset of plugin {} failed: {}", plugin.value(), ec.message()));
        }
        log_->info("plugin {} reset in {:.3f}s", plugin.value(), took.count());
        co_return rpc::json_reply(call, true);
    });
}

}  // namespace rr::plugins
