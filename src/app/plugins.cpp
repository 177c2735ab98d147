#include "app/plugins.h"

#include "plugins/gzip/plugin.h"
#include "plugins/headers/plugin.h"
#include "plugins/http/plugin.h"
#include "plugins/sendfile/plugin.h"
#include "plugins/server/plugin.h"
#include "plugins/static/plugin.h"

namespace rr::app {

std::vector<std::unique_ptr<plugins::Plugin>> default_plugins() {
    std::vector<std::unique_ptr<plugins::Plugin>> list;
    // Logging is not a plugin here: it is built from `logs` before any plugin and handed to
    // each one through InitContext (a named logger per plugin).
    list.push_back(std::make_unique<plugins::ServerPlugin>());  // worker pools for the rest
    list.push_back(std::make_unique<plugins::HttpPlugin>());    // depends on "server"
    // HTTP middleware, collected by the http plugin at serve() (http.middleware).
    list.push_back(std::make_unique<plugins::StaticPlugin>());
    list.push_back(std::make_unique<plugins::GzipPlugin>());
    list.push_back(std::make_unique<plugins::HeadersPlugin>());
    list.push_back(std::make_unique<plugins::SendfilePlugin>());
    return list;
}

}  // namespace rr::app
