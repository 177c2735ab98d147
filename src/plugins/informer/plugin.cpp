#include "plugins/informer/plugin.h"

#include <fmt/format.h>

#include "plugins/api/control.h"
#include "rpc/json.h"

namespace rr::plugins {

namespace asio = boost::asio;

rpc::ProcessState to_process_state(const WorkerInfo& info) {
    rpc::ProcessState s;
    s.pid = info.pid;
    s.status = info.state;
    s.num_execs = info.num_execs;
    s.created = info.created_unix_ns;
    s.memory_usage = info.memory_bytes;
    s.cpu_percent = info.cpu_percent;
    s.command = info.command;
    s.status_str = info.status;
    return s;
}

InitStatus InformerPlugin::init(InitContext& ctx) {
    io_ = &ctx.io();
    log_ = ctx.logger();
    return InitStatus::kEnabled;
}

void InformerPlugin::serve(ServeContext& ctx) {
    registry_ = &ctx.registry();
}

std::vector<std::string> InformerPlugin::list() const {
    std::vector<std::string> out;
    if (registry_ == nullptr) return out;
    for (const auto& [name, informer] : registry_->collect<WorkerInformer>()) {
        out.emplace_back(name);
    }
    return out;
}

rpc::WorkerList InformerPlugin::workers(std::string_view plugin) const {
    rpc::WorkerList out;
    if (registry_ == nullptr) return out;
    for (const auto& [name, informer] : registry_->collect<WorkerInformer>()) {
        if (name != plugin) continue;
        std::vector<rpc::ProcessState> list;
        for (const WorkerInfo& w : informer->workers()) list.push_back(to_process_state(w));
        out.workers = std::move(list);
    }
    return out;
}

void InformerPlugin::register_rpc(RpcMethods& methods) {
    methods.add_sync("List", [this](const rpc::Call& call) {
        // The argument is a bool nobody looks at (upstream ignores it too).
        return rpc::json_reply(call, list());
    });
    methods.add_sync("Workers", [this](const rpc::Call& call) {
        auto plugin = rpc::json_argument<std::string>(call);
        if (!plugin) return rpc::Reply::failure(std::move(plugin).error());
        return rpc::json_reply(call, workers(plugin.value()));
    });

    // AddWorker / RemoveWorker: upstream's error for a plugin without the capability, then the
    // pool's own error; the reply is the untouched bool (false).
    auto scale = [this](bool add) {
        return [this, add](const rpc::Call& call) -> asio::awaitable<rpc::Reply> {
            auto plugin = rpc::json_argument<std::string>(call);
            if (!plugin) co_return rpc::Reply::failure(std::move(plugin).error());
            WorkerScaler* scaler = nullptr;
            if (registry_ != nullptr) {
                for (const auto& [name, s] : registry_->collect<WorkerScaler>()) {
                    if (name == plugin.value()) scaler = s;
                }
            }
            if (scaler == nullptr) {
                co_return rpc::Reply::failure(
                    fmt::format("plugin {} does not support workers management", plugin.value()));
            }
            const auto ec = co_await await_control(io_->get_executor(), [scaler, add](auto done) {
                if (add) {
                    scaler->add_worker(std::move(done));
                } else {
                    scaler->remove_worker(std::move(done));
                }
            });
            if (ec) {
                log_->warn("{} of plugin {}: {}", add ? "AddWorker" : "RemoveWorker",
                           plugin.value(), ec.message());
                co_return rpc::Reply::failure(fmt::format("{}: {}", plugin.value(), ec.message()));
            }
            co_return rpc::json_reply(call, false);
        };
    };
    methods.add("AddWorker", scale(true));
    methods.add("RemoveWorker", scale(false));
}

}  // namespace rr::plugins
