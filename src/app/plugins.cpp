#include "app/plugins.h"

#include "app/server_plugin.h"

namespace rr::app {

std::vector<std::unique_ptr<Plugin>> default_plugins() {
    std::vector<std::unique_ptr<Plugin>> plugins;
    // Logging is not a plugin here: it is built from `logs` before any plugin and handed to
    // each one through InitContext (a named logger per plugin).
    plugins.push_back(std::make_unique<ServerPlugin>());
    // Next (in dependency order, each declares its dependencies()):
    //   rpc     — RPC server on rpc.listen (resetter/informer services for `rr reset|workers`)
    //   http    — depends on "server" (worker pool) and, for RPC, "rpc"
    //   status, metrics — depend on the plugins they report on
    return plugins;
}

}  // namespace rr::app
