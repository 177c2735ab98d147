#pragma once
/// Capability interfaces: what a plugin offers the others (RoadRunner's Resetter, Informer,
/// server plugin, ...). A plugin implements any of them next to plugins::Plugin; the others
/// find it with InitContext::require<T>() (declared dependencies) or Registry::collect<T>()
/// (every enabled plugin). No plugin includes another plugin's headers.
///
/// Thread safety: every call on the main io_context's thread.

#include <boost/system/error_code.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/api/pool_config.h"
#include "pool/pool.h"
#include "rpc/methods.h"
#include "transport/async_event.h"

namespace rr::http {
class Middleware;
}

namespace rr::plugins {

/// Completion of an asynchronous control-plane operation: an empty error_code on success.
/// Always called once, on the main io_context.
using ControlDone = std::function<void(boost::system::error_code)>;

/// `rr reset [plugin…]` (resetter.Reset, the reload plugin; upstream's Resetter): replace the
/// plugin's workers. done() once, on the main io_context, when the reset finished (or failed).
class Resettable {
public:
    virtual ~Resettable() = default;
    virtual void reset(ControlDone done) = 0;
};

/// One row of `rr workers` (the fields upstream's informer reports, process.State).
struct WorkerInfo {
    std::int64_t pid = 0;
    std::int64_t state = 0;  ///< upstream's state number (PROTOCOL.md §3.1)
    std::string status;      ///< "ready", "working", ... (worker state to_string)
    std::uint64_t num_execs = 0;
    std::uint64_t memory_bytes = 0;  ///< RSS
    double cpu_percent = 0;          ///< CPU time / lifetime × 100 (upstream's gopsutil figure)
    std::int64_t created_unix_ns = 0;
    std::string command;  ///< upstream fills it for `service` processes only; empty for pools
};

/// `rr workers [plugin…]` (informer.Workers; upstream's Informer): a snapshot of the plugin's
/// workers. An empty list when it has none (not started yet, debug mode between requests).
class WorkerInformer {
public:
    virtual ~WorkerInformer() = default;
    virtual std::vector<WorkerInfo> workers() const = 0;
};

/// informer.AddWorker / informer.RemoveWorker (upstream's WorkerManager): grow or shrink the
/// plugin's pool by one worker. done() once, on the main io_context.
class WorkerScaler {
public:
    virtual ~WorkerScaler() = default;
    virtual void add_worker(ControlDone done) = 0;
    virtual void remove_worker(ControlDone done) = 0;
};

/// The methods of one RPC service, as RpcService::register_rpc() fills them: each name is
/// prefixed with the service ("Reset" becomes "resetter.Reset"), so a plugin cannot register
/// into another service. See rpc/methods.h for handlers and rpc/json.h for their helpers.
class RpcMethods {
public:
    RpcMethods(rpc::MethodTable& table, std::string service)
        : table_(table), service_(std::move(service)) {}

    const std::string& service() const noexcept { return service_; }
    /// Throws std::invalid_argument for a bad or duplicate name (serve time: a fatal error).
    void add(std::string_view method, rpc::Handler handler) {
        table_.add(service_ + "." + std::string(method), std::move(handler));
    }
    void add_sync(std::string_view method, rpc::SyncHandler handler) {
        table_.add_sync(service_ + "." + std::string(method), std::move(handler));
    }

private:
    rpc::MethodTable& table_;
    std::string service_;
};

/// Offers goridge RPC methods (upstream's RPCer): the rpc plugin collects every enabled
/// provider when it starts serving and registers its methods under rpc_service(). Handlers run
/// on the main io_context; they may be called until the rpc plugin has stopped (it is started
/// first and stopped last, see app/plugins.cpp), so a handler must cope with its plugin (or the
/// plugins it asks) being stopped already.
class RpcService {
public:
    virtual ~RpcService() = default;
    /// The service name: the part before the dot ("informer", "resetter", "metrics", ...).
    virtual std::string_view rpc_service() const = 0;
    /// Adds the service's methods. Called once, from the rpc plugin's serve().
    virtual void register_rpc(RpcMethods& methods) = 0;
};

/// Offered by the `server` plugin to every plugin that runs PHP workers (as RoadRunner's
/// server plugin gives pools to http, jobs, ...).
class WorkerPoolProvider {
public:
    virtual ~WorkerPoolProvider() = default;

    /// Pool options for a plugin's `pool` section: command (pool.command or server.command),
    /// environment (RR_RELAY, RR_RPC, server.env, RR_VERSION, RR_MODE=`mode`), relay, limits,
    /// supervisor and loggers (`logger` for pool events, the `server` logger for worker stderr).
    virtual pool::PoolOptions pool_options(const PoolConfig& pool, std::string_view mode,
                                           std::shared_ptr<spdlog::logger> logger) const = 0;

    /// Completes once `server.on_init` has finished (at once without it). False when on_init
    /// failed with `exit_on_error`: the server is stopping and no pool should start.
    virtual transport::Awaitable<bool> wait_ready() = 0;
};

/// An HTTP middleware (RoadRunner's api.Middleware: a name plus a handler wrapper). The http
/// plugin collects every enabled provider at serve() and builds its chain from
/// `http.middleware` (docs/http.md "Middleware"). A plugin implementing this next to Plugin
/// uses its plugin name as the middleware name (one name() overrides both).
class HttpMiddlewareProvider {
public:
    virtual ~HttpMiddlewareProvider() = default;
    /// The name users list in `http.middleware` ("static", "gzip", ...).
    virtual std::string_view name() const noexcept = 0;
    /// The middleware, built in init(); may be called more than once (same instance). It is
    /// then used on the HTTP I/O thread(s): see http/middleware.h for its thread safety.
    virtual std::shared_ptr<http::Middleware> middleware() = 0;
};

}  // namespace rr::plugins
