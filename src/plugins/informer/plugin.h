#pragma once
// The `informer` plugin (upstream's roadrunner-server/informer): the `informer.*` RPC service
// behind `rr workers` and PHP's Spiral\RoadRunner\WorkerPool. It has no config section and is
// enabled whenever `rpc` is (it depends on it). PROTOCOL.md §5.4, docs/rpc.md §7:
//
//   informer.List(bool)           names of the plugins with workers (WorkerInformer)
//   informer.Workers(plugin)      {"workers":[...]} (rpc/informer_types.h); {"workers":null}
//                                 for a plugin that has no workers or does not exist
//   informer.AddWorker(plugin)    one more worker (WorkerScaler); replies false, as upstream
//   informer.RemoveWorker(plugin) one worker less; replies false
//
// Plugins are looked up at call time among the enabled ones (Registry::collect), so the
// answers follow plugins that start late or stop early.
//
// Thread safety: main io_context thread only (plugin contract).

#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"
#include "rpc/informer_types.h"

namespace rr::plugins {

class InformerPlugin final : public Plugin, public RpcService {
public:
    static constexpr std::string_view kName = "informer";

    std::string_view name() const noexcept override { return kName; }
    std::vector<std::string_view> sections() const override { return {}; }
    std::vector<std::string_view> dependencies() const override { return {"rpc"}; }
    InitStatus init(InitContext& ctx) override;
    void serve(ServeContext& ctx) override;

    // RpcService
    std::string_view rpc_service() const override { return kName; }
    void register_rpc(RpcMethods& methods) override;

    /// informer.List: every plugin offering workers, in start order.
    std::vector<std::string> list() const;
    /// informer.Workers: nullopt workers for an unknown plugin (encodes as null).
    rpc::WorkerList workers(std::string_view plugin) const;

private:
    boost::asio::io_context* io_ = nullptr;  // not owned; the main io_context
    const Registry* registry_ = nullptr;     // the container; valid from serve() until the end
    std::shared_ptr<spdlog::logger> log_;
};

/// The informer.Workers entry for one worker (upstream's process.State).
rpc::ProcessState to_process_state(const WorkerInfo& info);

}  // namespace rr::plugins
