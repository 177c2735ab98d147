#include "plugins/rpc/plugin.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/version.h"
#include "plugins/api/capabilities.h"
#include "rpc/json.h"
#include "rpc/server.h"

namespace rr::plugins {

namespace {

rpc::Endpoint to_rpc_endpoint(const config::Endpoint& e) {
    if (e.kind == config::Endpoint::Kind::kUnix) return rpc::Endpoint::unix_socket(e.path);
    return rpc::Endpoint::tcp(e.host, e.port);
}

}  // namespace

RpcPlugin::RpcPlugin() = default;
RpcPlugin::~RpcPlugin() = default;

InitStatus RpcPlugin::init(InitContext& ctx) {
    const config::Node* section = ctx.section(kName);
    if (section == nullptr) return InitStatus::kDisabled;
    config_ = ctx.decode(*section, std::string(kName), decode_rpc_config);
    io_ = &ctx.io();
    log_ = ctx.logger();
    raw_config_ = ctx.config().raw_json;
    return InitStatus::kEnabled;
}

void RpcPlugin::serve(ServeContext& ctx) {
    server_ = std::make_unique<rpc::Server>(*io_, rpc::ServerOptions{}, log_);
    std::vector<std::string> services{"rpc"};
    try {
        RpcMethods own(server_->methods(), "rpc");
        own.add_sync("Version", [](const rpc::Call& call) {
            return rpc::json_reply(call, std::string(kCompatVersion));
        });
        own.add_sync("Config",
                     [this](const rpc::Call& call) { return rpc::bytes_reply(call, raw_config_); });
        for (const auto& [plugin, service] : ctx.registry().collect<RpcService>()) {
            RpcMethods methods(server_->methods(), std::string(service->rpc_service()));
            service->register_rpc(methods);
            services.push_back(methods.service());
        }
    } catch (const std::exception& e) {
        // Two plugins claiming one service name, a malformed method name: a bug, reported as
        // a start failure rather than a crash.
        ctx.fail(fmt::format("cannot register the RPC methods: {}", e.what()));
        return;
    }
    if (const auto ec = server_->start(to_rpc_endpoint(config_.listen))) {
        ctx.fail(fmt::format("cannot listen on {}: {}", config_.listen.text, ec.message()));
        return;
    }
    log_->info("rpc server listening on {} (services: {})", listening_address(),
               fmt::join(services, ", "));
}

void RpcPlugin::stop(Deadline deadline, StopDone done) {
    if (!server_) {
        done({});
        return;
    }
    server_->stop(deadline, [done = std::move(done)] { done({}); });
}

std::string RpcPlugin::listening_address() const {
    if (!server_) return {};
    return server_->local_endpoint().to_string();
}

}  // namespace rr::plugins
