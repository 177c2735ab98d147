#include "app/plugins.h"

#include "plugins/http/plugin.h"
#include "plugins/http_metrics/plugin.h"
#include "plugins/metrics/plugin.h"
#include "plugins/server/plugin.h"
#include "plugins/status/plugin.h"

namespace rr::app {

std::vector<std::unique_ptr<plugins::Plugin>> default_plugins() {
    std::vector<std::unique_ptr<plugins::Plugin>> list;
    // Logging is not a plugin here: it is built from `logs` before any plugin and handed to
    // each one through InitContext (a named logger per plugin).
    //
    // metrics and status come before the worker plugins: they listen while workers boot
    // (probes answer "not ready", workers may declare metrics over RPC) and, stopped in reverse
    // order, they outlive the http plugin's drain (/ready answers unavailable from the moment
    // a stop begins, scrapes still work).
    list.push_back(std::make_unique<plugins::MetricsPlugin>());      // metrics.address
    list.push_back(std::make_unique<plugins::StatusPlugin>());       // status.address
    list.push_back(std::make_unique<plugins::ServerPlugin>());       // worker pools for the rest
    list.push_back(std::make_unique<plugins::HttpPlugin>());         // depends on "server"
    list.push_back(std::make_unique<plugins::HttpMetricsPlugin>());  // the http_metrics middleware
    return list;
}

}  // namespace rr::app
