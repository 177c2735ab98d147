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
#include "transport/async_event.h"

namespace rr::http {
class Middleware;
}

namespace rr::plugins {

/// `rr reset [plugin…]` (resetter.Reset): replace the plugin's workers. done() on the main
/// io_context.
class Resettable {
public:
    virtual ~Resettable() = default;
    virtual void reset(std::function<void(boost::system::error_code)> done) = 0;
};

/// One row of `rr workers` (the fields upstream's informer reports).
struct WorkerInfo {
    std::int64_t pid = 0;
    std::string status;  ///< "ready", "working", ... (worker state to_string)
    std::uint64_t num_execs = 0;
    std::uint64_t memory_bytes = 0;  ///< RSS
    double cpu_percent = 0;
    std::int64_t created_unix_ns = 0;
};

/// `rr workers [plugin…]` (informer.Workers): a snapshot of the plugin's workers.
class WorkerInformer {
public:
    virtual ~WorkerInformer() = default;
    virtual std::vector<WorkerInfo> workers() const = 0;
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
