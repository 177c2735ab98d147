#pragma once
// The `status` plugin (BEHAVIOUR.md §1.10, §3.15; docs/status.md): /health, /ready and /jobs
// on `status.address`, answered from every plugin that is a StatusProvider (the http plugin).
//
// It starts before the worker plugins (see app/plugins.cpp), so probes get an answer — "not
// ready" — while workers boot, and it stops after them: when a graceful stop begins
// (Plugin::stopping) /ready turns unavailable at once and /health keeps answering 200 while
// the http plugin drains its in-flight requests.
//
// Thread safety: main io_context thread only (plugin contract); the listener runs there too.

#include <memory>
#include <vector>

#include "http/handler.h"
#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"
#include "plugins/status/checks.h"
#include "plugins/status/config.h"

namespace rr::http {
class Server;
}

namespace rr::plugins {

class StatusPlugin final : public Plugin, public RpcService {
public:
    static constexpr std::string_view kName = "status";

    StatusPlugin();
    ~StatusPlugin() override;

    std::string_view name() const noexcept override { return kName; }

    /// Disabled without a `status` section.
    InitStatus init(InitContext& ctx) override;
    /// Collects the status providers and starts the listener; a bind error fails the start.
    void serve(ServeContext& ctx) override;
    void stopping() noexcept override { shutting_down_ = true; }
    void stop(Deadline deadline, StopDone done) override;

    // RpcService: status.Status(plugin) and status.Ready(plugin) → {"Code": <status>}.
    std::string_view rpc_service() const override { return kName; }
    void register_rpc(RpcMethods& methods) override;

    /// status.Status / status.Ready over RPC: the plugin's code, or nullopt for a plugin that is
    /// not a status provider. A provider without a status reports unavailable_status_code.
    std::optional<int> health_of(std::string_view plugin) const;
    std::optional<int> readiness_of(std::string_view plugin) const;

    /// The bound listener address ("127.0.0.1:2114"); empty before serve().
    std::string listening_address() const;

private:
    class Handler;

    boost::asio::io_context* io_ = nullptr;  // not owned; the main io_context
    StatusConfig config_;
    std::shared_ptr<spdlog::logger> log_;
    std::vector<StatusTarget> targets_;  // filled in serve(); providers outlive us (registry)
    bool shutting_down_ = false;
    std::unique_ptr<Handler> handler_;
    std::unique_ptr<http::Server> server_;
};

}  // namespace rr::plugins
