#include "app/plugins.h"

#include "plugins/gzip/plugin.h"
#include "plugins/headers/plugin.h"
#include "plugins/http/plugin.h"
#include "plugins/http_metrics/plugin.h"
#include "plugins/informer/plugin.h"
#include "plugins/metrics/plugin.h"
#include "plugins/reload/plugin.h"
#include "plugins/resetter/plugin.h"
#include "plugins/rpc/plugin.h"
#include "plugins/sendfile/plugin.h"
#include "plugins/server/plugin.h"
#include "plugins/static/plugin.h"
#include "plugins/status/plugin.h"

namespace rr::app {

std::vector<std::unique_ptr<plugins::Plugin>> default_plugins() {
    std::vector<std::unique_ptr<plugins::Plugin>> list;
    // Logging is not a plugin here: it is built from `logs` before any plugin and handed to
    // each one through InitContext (a named logger per plugin).
    //
    // rpc comes first: it listens before any worker starts (workers get RR_RPC and may call it
    // while booting) and, stopped in reverse order, it is the last to go, so workers and the
    // CLI can still reach it while the other plugins drain.
    list.push_back(std::make_unique<plugins::RpcPlugin>());  // rpc.listen
    // metrics and status come before the worker plugins: they listen while workers boot
    // (probes answer "not ready", workers may declare metrics over RPC) and, stopped in reverse
    // order, they outlive the http plugin's drain (/ready answers unavailable from the moment
    // a stop begins, scrapes still work).
    list.push_back(std::make_unique<plugins::MetricsPlugin>());  // metrics.address
    list.push_back(std::make_unique<plugins::StatusPlugin>());   // status.address
    list.push_back(std::make_unique<plugins::ServerPlugin>());   // worker pools for the rest
    list.push_back(std::make_unique<plugins::HttpPlugin>());     // depends on "server"
    // RPC services without a section of their own; enabled when rpc is.
    list.push_back(std::make_unique<plugins::InformerPlugin>());  // informer.* (rr workers)
    list.push_back(std::make_unique<plugins::ResetterPlugin>());  // resetter.* (rr reset)
    // HTTP middleware, collected by the http plugin at serve() (http.middleware).
    list.push_back(std::make_unique<plugins::StaticPlugin>());
    list.push_back(std::make_unique<plugins::GzipPlugin>());
    list.push_back(std::make_unique<plugins::HeadersPlugin>());
    list.push_back(std::make_unique<plugins::SendfilePlugin>());
    list.push_back(std::make_unique<plugins::HttpMetricsPlugin>());  // http_metrics
    // Last: started when everything it may reset is up, stopped first.
    list.push_back(std::make_unique<plugins::ReloadPlugin>());  // reload (file watcher)
    return list;
}

}  // namespace rr::app
