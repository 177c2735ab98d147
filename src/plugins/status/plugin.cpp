#include "plugins/status/plugin.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/asio/steady_timer.hpp>

#include "http/server.h"
#include "plugins/api/listener.h"
#include "rpc/json.h"

namespace rr::plugins {

namespace {

http::ServerSettings listener_settings(const StatusConfig& config) {
    http::ServerSettings s;
    http::ListenerSettings l = listener_for(config.address, "status.address");
    l.reuse_port = false;  // a second rr on the same port must fail, not share the probes
    s.listeners.push_back(std::move(l));
    s.header_timeout = config.check_timeout;
    s.read_timeout = config.check_timeout;
    s.write_timeout = config.check_timeout;
    s.idle_timeout = config.check_timeout;
    s.max_header_bytes = 64 * 1024;
    s.max_request_size = 64 * 1024;  // probes carry no body
    s.max_connections = 1024;
    return s;
}

}  // namespace

/// Answers every request from the checks (main io_context thread, like the plugin).
class StatusPlugin::Handler final : public http::Handler {
public:
    explicit Handler(const StatusPlugin& plugin) : plugin_(plugin) {}

    boost::asio::awaitable<void> handle(http::Request& request,
                                        http::ResponseWriter& writer) override {
        StatusAnswer a =
            answer_status_request(request.target(), plugin_.targets_, plugin_.shutting_down_,
                                  plugin_.config_.unavailable_status_code);
        http::Fields headers{{"Content-Type", a.content_type}};
        if (a.content_type.starts_with("text/plain")) {
            headers.add("X-Content-Type-Options", "nosniff");
        }
        co_await writer.send_response(a.status, headers, a.body);
    }

private:
    const StatusPlugin& plugin_;
};

StatusPlugin::StatusPlugin() = default;
StatusPlugin::~StatusPlugin() = default;

InitStatus StatusPlugin::init(InitContext& ctx) {
    const config::Node* section = ctx.section(kName);
    if (section == nullptr) return InitStatus::kDisabled;
    config_ = ctx.decode(*section, std::string(kName), decode_status_config);
    io_ = &ctx.io();
    log_ = ctx.logger();
    return InitStatus::kEnabled;
}

void StatusPlugin::serve(ServeContext& ctx) {
    for (const auto& [name, provider] : ctx.registry().collect<StatusProvider>()) {
        targets_.push_back({std::string(name), provider});
    }
    handler_ = std::make_unique<Handler>(*this);
    server_ = std::make_unique<http::Server>(*io_, listener_settings(config_), *handler_, log_);
    std::string detail;
    if (const auto ec = server_->start(&detail)) {
        ctx.fail(fmt::format("status: cannot listen: {}", detail.empty() ? ec.message() : detail));
        return;
    }
    std::vector<std::string_view> names;
    for (const auto& t : targets_) names.push_back(t.name);
    log_->info("status server listening on {} (plugins: {})", listening_address(),
               fmt::join(names, ", "));
}

void StatusPlugin::stop(Deadline deadline, StopDone done) {
    shutting_down_ = true;
    if (!server_) {
        done({});
        return;
    }
    // Probes are short: let one in flight finish (until the deadline), then close the rest.
    server_->stop();
    auto timer = std::make_shared<boost::asio::steady_timer>(*io_, deadline);
    auto finished = std::make_shared<bool>(false);
    auto finish = [this, timer, finished, done = std::move(done)]() mutable {
        if (std::exchange(*finished, true)) return;
        timer->cancel();
        server_->close_all();
        done({});
    };
    auto shared_finish = std::make_shared<decltype(finish)>(std::move(finish));
    server_->on_drained([shared_finish] { (*shared_finish)(); });
    timer->async_wait([shared_finish](boost::system::error_code ec) {
        if (!ec) (*shared_finish)();
    });
}

std::optional<int> StatusPlugin::health_of(std::string_view plugin) const {
    for (const auto& t : targets_) {
        if (t.name == plugin) {
            return t.provider->health_status().value_or(config_.unavailable_status_code);
        }
    }
    return std::nullopt;
}

std::optional<int> StatusPlugin::readiness_of(std::string_view plugin) const {
    for (const auto& t : targets_) {
        if (t.name == plugin) {
            return t.provider->ready_status().value_or(config_.unavailable_status_code);
        }
    }
    return std::nullopt;
}

void StatusPlugin::register_rpc(RpcMethods& methods) {
    // Upstream's texts: errors.E(op, err) joins the ops with ": ".
    auto method = [this](bool ready) {
        return [this, ready](const rpc::Call& call) {
            auto plugin = rpc::json_argument<std::string>(call);
            if (!plugin) return rpc::Reply::failure(std::move(plugin).error());
            const std::optional<int> code =
                ready ? readiness_of(plugin.value()) : health_of(plugin.value());
            if (!code) {
                return rpc::Reply::failure(fmt::format(
                    "{}: {}: no such plugin: {}",
                    ready ? "checker_rpc_ready" : "checker_rpc_status",
                    ready ? "checker_plugin_ready" : "checker_plugin_status", plugin.value()));
            }
            return rpc::json_reply(call, nlohmann::json{{"Code", *code}});
        };
    };
    methods.add_sync("Status", method(false));
    methods.add_sync("Ready", method(true));
}

std::string StatusPlugin::listening_address() const {
    if (!server_) return {};
    return fmt::format("{}", fmt::join(server_->addresses(), ", "));
}

}  // namespace rr::plugins
