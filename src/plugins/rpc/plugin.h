#pragma once
// The `rpc` plugin (BEHAVIOUR.md §1.9, PROTOCOL.md §5, docs/rpc.md): the goridge RPC server on
// `rpc.listen`, used by `rr reset`/`rr workers` and by PHP (RR_RPC). Its own methods are
// `rpc.Version` and `rpc.Config`; every other service comes from the plugins that implement
// RpcService (informer, resetter, ...), collected when it starts serving.
//
// Start: bind and listen in serve() (a bind failure is a fatal start error naming the address).
// Stop: graceful (rpc::Server::stop): calls in flight are answered, then connections close;
// whatever is still open at the deadline is closed. It is the first plugin in the list, so it
// starts before the plugins whose workers call it and stops after them.
//
// Thread safety: main io_context thread only (plugin contract).

#include <memory>
#include <string>

#include "plugins/api/plugin.h"
#include "plugins/rpc/config.h"

namespace rr::rpc {
class Server;
}

namespace rr::plugins {

class RpcPlugin final : public Plugin {
public:
    static constexpr std::string_view kName = "rpc";

    RpcPlugin();
    ~RpcPlugin() override;

    std::string_view name() const noexcept override { return kName; }

    /// Disabled without an `rpc` section (RoadRunner's convention). Throws ConfigError.
    InitStatus init(InitContext& ctx) override;
    /// Registers rpc.* and every RpcService, then listens.
    void serve(ServeContext& ctx) override;
    void stop(Deadline deadline, StopDone done) override;

    /// "tcp://127.0.0.1:6001" / "unix://path" once listening (the real port after port 0).
    std::string listening_address() const;

private:
    boost::asio::io_context* io_ = nullptr;  // not owned; the main io_context
    std::shared_ptr<spdlog::logger> log_;
    RpcConfig config_;
    std::string raw_config_;  // rpc.Config: the merged config as JSON
    std::unique_ptr<rpc::Server> server_;
};

}  // namespace rr::plugins
