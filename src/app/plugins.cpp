#include "app/plugins.h"

#include "plugins/http_plugin.h"
#include "plugins/server_plugin.h"

namespace rr::app {

std::vector<std::unique_ptr<Plugin>> default_plugins() {
    std::vector<std::unique_ptr<Plugin>> plugins;
    // Logging is not a plugin here: it is built from `logs` before any plugin and handed to
    // each one through InitContext (a named logger per plugin).
    plugins.push_back(std::make_unique<plugins::ServerPlugin>());  // worker pools for the rest
    plugins.push_back(std::make_unique<plugins::HttpPlugin>());    // depends on "server"
    // Next: rpc (resetter/informer for `rr reset|workers`), status, metrics.
    return plugins;
}

}  // namespace rr::app
