#pragma once
/// The plugin contract (STYLE.md §11.2) and the capability interfaces plugins may implement.
///
/// Life of a plugin, driven by app::Container on the main thread / main io_context:
///   1. init(InitContext&)   once, in dependency order. Returns kDisabled when its config section
///                           is absent (RoadRunner's convention); throws config::ConfigError for
///                           bad config. Only init may throw. A plugin whose dependency is
///                           disabled is disabled too and its init is not called.
///   2. serve(ServeContext&) optional, in dependency order, only for enabled plugins. Starts
///                           listeners/pools and returns at once (must not block). Fatal runtime
///                           errors, now or later, go to ServeContext::fail().
///   3. stop(deadline, done) optional, in reverse order, only for plugins whose serve() ran.
///                           Stop admitting work, drain, release; then call done() exactly once
///                           on the main io_context. A plugin still not done at `deadline` is
///                           abandoned (logged, exit code 1) and the next one is stopped.
///
/// Plugins never include each other: they meet through the capability interfaces below,
/// found with InitContext::require<T>() among the plugin's declared dependencies.
///
/// Thread safety: every call happens on the main io_context's thread.

#include "config/config.h"
#include "logging/logging.h"

#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rr::app {

class Plugin;

/// What init() decided.
enum class InitStatus { kEnabled, kDisabled };

/// Absolute time by which a plugin's stop must be done.
using Deadline = std::chrono::steady_clock::time_point;

/// Completion of Plugin::stop(); an error code means the stop was not clean (exit code 1).
using StopDone = std::function<void(boost::system::error_code)>;

/// Passed to Plugin::init(). Valid only during the call.
class InitContext {
public:
    InitContext(const config::Config& config, logging::Logging& logging,
                boost::asio::io_context& io, std::shared_ptr<spdlog::logger> logger,
                std::vector<Plugin*> dependencies)
        : config_(config),
          logging_(logging),
          io_(io),
          logger_(std::move(logger)),
          dependencies_(std::move(dependencies)) {}

    /// The whole typed config; the plugin reads its own section.
    const config::Config& config() const noexcept { return config_; }
    /// A logger named after the plugin (`logs.channels.<name>` applies).
    const std::shared_ptr<spdlog::logger>& logger() const noexcept { return logger_; }
    /// Other named loggers (e.g. a plugin that logs for its workers under "server").
    logging::Logging& logging() const noexcept { return logging_; }
    /// The main io_context, on which serve/stop run and timers/sockets live.
    boost::asio::io_context& io() const noexcept { return io_; }

    /// The first enabled, already-initialised declared dependency that implements T, or null.
    template <class T>
    T* find() const {
        for (Plugin* p : dependencies_) {
            if (auto* t = dynamic_cast<T*>(p)) return t;
        }
        return nullptr;
    }

    /// Like find<T>() but a missing provider is a bug in the plugin list: throws logic_error.
    template <class T>
    T& require() const {
        if (T* t = find<T>()) return *t;
        throw std::logic_error("plugin requires a capability none of its dependencies provides");
    }

private:
    const config::Config& config_;
    logging::Logging& logging_;
    boost::asio::io_context& io_;
    std::shared_ptr<spdlog::logger> logger_;
    std::vector<Plugin*> dependencies_;  // owned by the container; enabled and initialised
};

/// Passed to Plugin::serve(). The plugin may keep a copy for later fatal errors.
class ServeContext {
public:
    using FailHandler = std::function<void(std::string message)>;

    ServeContext(boost::asio::io_context& io, FailHandler fail)
        : io_(&io), fail_(std::move(fail)) {}

    boost::asio::io_context& io() const noexcept { return *io_; }

    /// Reports a fatal runtime error (endure's error channel): the container logs it with the
    /// plugin name, stops every plugin and the process exits with code 1. Call on the main
    /// io_context; calling it more than once is harmless.
    void fail(std::string message) const { fail_(std::move(message)); }

private:
    boost::asio::io_context* io_;  // not owned; outlives every plugin
    FailHandler fail_;
};

/// Base class of every plugin. Each concrete plugin also declares
/// `static constexpr std::string_view kName` and returns it from name().
class Plugin {
public:
    virtual ~Plugin() = default;

    /// Unique, lower-case; also the logger name and the section name in `.rr.yaml`.
    virtual std::string_view name() const noexcept = 0;

    /// Names of plugins that must be initialised and served before this one (and stopped
    /// after it). An unknown name or a cycle is a bug in the plugin list (ContainerError).
    virtual std::vector<std::string_view> dependencies() const { return {}; }

    /// See the file comment. Throws config::ConfigError for bad config.
    virtual InitStatus init(InitContext& ctx) = 0;

    /// Starts work without blocking. Default: nothing to serve.
    virtual void serve(ServeContext& /*ctx*/) {}

    /// Graceful stop; call done() once, on the main io_context. Default: done at once.
    virtual void stop(Deadline /*deadline*/, StopDone done) { done({}); }
};

// -------------------------------------------------------------------------------------------
// Capability interfaces (discovered by the container / RPC after init).
// -------------------------------------------------------------------------------------------

/// `rr reset [plugin…]`: recreate the plugin's worker pool(s). done() on the main io_context.
class Resettable {
public:
    virtual ~Resettable() = default;
    virtual void reset(std::function<void(boost::system::error_code)> done) = 0;
};

/// One row of `rr workers` (the fields upstream's informer reports).
struct WorkerInfo {
    std::int64_t pid = 0;
    std::string status;                ///< "ready", "working", ... (worker state to_string)
    std::uint64_t num_execs = 0;
    std::uint64_t memory_bytes = 0;    ///< RSS
    double cpu_percent = 0;
    std::int64_t created_unix_ns = 0;
};

/// `rr workers [plugin…]`: a snapshot of the plugin's workers.
class WorkerInformer {
public:
    virtual ~WorkerInformer() = default;
    virtual std::vector<WorkerInfo> workers() const = 0;
};

}  // namespace rr::app
