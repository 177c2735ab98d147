#pragma once
// The `resetter` plugin (upstream's roadrunner-server/resetter): the `resetter.*` RPC service
// behind `rr reset`. No config section; enabled whenever `rpc` is (it depends on it).
//
//   resetter.List(bool)       names of the plugins that can be reset (Resettable)
//   resetter.Reset(plugin)    resets it and replies true once done; "no such plugin: X" for a
//                             name that is not resettable; the plugin's error otherwise
//
// Each reset is logged at info with how long it took ("plugin http reset in 1.234s").
//
// Thread safety: main io_context thread only (plugin contract).

#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"

namespace rr::plugins {

class ResetterPlugin final : public Plugin, public RpcService {
public:
    static constexpr std::string_view kName = "resetter";

    std::string_view name() const noexcept override { return kName; }
    std::vector<std::string_view> sections() const override { return {}; }
    std::vector<std::string_view> dependencies() const override { return {"rpc"}; }
    InitStatus init(InitContext& ctx) override;
    void serve(ServeContext& ctx) override;

    // RpcService
    std::string_view rpc_service() const override { return kName; }
    void register_rpc(RpcMethods& methods) override;

    /// resetter.List: every resettable plugin, in start order.
    std::vector<std::string> list() const;

private:
    boost::asio::io_context* io_ = nullptr;  // not owned; the main io_context
    const Registry* registry_ = nullptr;     // the container; valid from serve() until the end
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace rr::plugins
