#include "plugins/metrics/plugin.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/asio/post.hpp>

#include "metrics/process_collector.h"
#include "plugins/api/listener.h"
#include "plugins/metrics/scrape_server.h"
#include "rpc/json.h"

namespace rr::plugins {

namespace {

http::ServerSettings listener_settings(const MetricsConfig& config) {
    http::ServerSettings s;
    http::ListenerSettings l = listener_for(config.address, "metrics.address");
    l.reuse_port = false;  // a second rr on the same port must fail, not split the scrapes
    s.listeners.push_back(std::move(l));
    // RoadRunner's metrics server: 2 minute read/header/write timeouts, 1 hour idle, 1 MB heads.
    s.header_timeout = std::chrono::minutes(2);
    s.read_timeout = std::chrono::minutes(2);
    s.write_timeout = std::chrono::minutes(2);
    s.idle_timeout = std::chrono::hours(1);
    s.max_header_bytes = 1 << 20;
    s.max_request_size = 1 << 20;
    s.max_connections = 1024;
    return s;
}

}  // namespace

MetricsPlugin::MetricsPlugin() = default;

MetricsPlugin::~MetricsPlugin() = default;

InitStatus MetricsPlugin::init(InitContext& ctx) {
    const config::Node* section = ctx.section(kName);
    if (section == nullptr) return InitStatus::kDisabled;
    config_ = ctx.decode(*section, std::string(kName), decode_metrics_config);
    io_ = &ctx.io();
    log_ = ctx.logger();
    registry_ = std::make_shared<metrics::Registry>();
    if (auto ok = registry_->add_collector(std::make_shared<metrics::ProcessCollector>()); !ok) {
        throw config::ConfigError("metrics", ok.error().message);
    }
    rpc_ = std::make_unique<metrics::MetricsRpc>(*registry_);
    if (auto ok = rpc_->declare_config(config_.collect); !ok) {
        throw config::ConfigError("metrics.collect", ok.error().message);
    }
    return InitStatus::kEnabled;
}

void MetricsPlugin::serve(ServeContext& ctx) {
    for (const auto& [name, provider] : ctx.registry().collect<MetricsProvider>()) {
        for (auto& collector : provider->metrics_collectors()) {
            if (auto ok = registry_->add_collector(std::move(collector)); !ok) {
                ctx.fail(
                    fmt::format("metrics: collectors of plugin {}: {}", name, ok.error().message));
                return;
            }
        }
    }
    server_ = std::make_unique<ScrapeServer>(registry_, listener_settings(config_), log_);
    std::string detail;
    if (const auto ec = server_->start(&detail)) {
        server_.reset();
        ctx.fail(fmt::format("metrics: cannot listen: {}", detail.empty() ? ec.message() : detail));
        return;
    }
    log_->info("metrics server listening on {}", listening_address());
}

void MetricsPlugin::stop(Deadline deadline, StopDone done) {
    if (!server_) {
        done({});
        return;
    }
    // The scrape thread ends on its own (a scrape in flight may finish); it then hands back to
    // the main thread, which joins it at once. No blocking join here: a collector on that thread
    // may be waiting for the main thread (run_on).
    server_->stop(deadline, [this, done = std::move(done)] {
        boost::asio::post(*io_, [this, done] {
            server_->join();
            done({});
        });
    });
}

void MetricsPlugin::register_rpc(RpcMethods& methods) {
    for (std::string_view full : metrics::MetricsRpc::kMethods) {
        const std::string method(full.substr(full.find('.') + 1));
        // Synchronous and thread-safe (the registry locks what it must); every success is
        // `true`, every failure upstream's error text.
        methods.add_sync(method, [this, method](const rpc::Call& call) {
            auto args = rpc::json_body(call);
            if (!args) return rpc::Reply::failure(std::move(args).error());
            auto result = rpc_->call(method, args.value());
            if (!result) return rpc::Reply::failure(result.error().message);
            return rpc::json_reply(call, result.value());
        });
    }
}

std::string MetricsPlugin::listening_address() const {
    if (!server_) return {};
    return fmt::format("{}", fmt::join(server_->addresses(), ", "));
}

}  // namespace rr::plugins
