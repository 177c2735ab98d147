#pragma once
/// The plugin contract (STYLE.md §11.2, §12.3). Capability interfaces that plugins offer each
/// other are in plugins/api/capabilities.h.
///
/// Life of a plugin, driven by app::Container on the main thread / main io_context:
///   1. init(InitContext&)   once, in dependency order. Decodes the plugin's own config section
///                           (InitContext::section(), config/reader.h) and returns kDisabled
///                           when the section is absent (RoadRunner's convention); throws
///                           config::ConfigError for bad config. Only init may throw. A plugin
///                           whose dependency is disabled is disabled too and its init is not
///                           called.
///   2. serve(ServeContext&) optional, in dependency order, only for enabled plugins. Starts
///                           listeners/pools and returns at once (must not block). A plugin
///                           that finishes starting later (a pool, a listener after on_init)
///                           calls ServeContext::defer_started() during serve() and the returned
///                           function once it is up: the app prints "RoadRunner server started"
///                           only when every plugin is up. Fatal runtime errors, now or later,
///                           go to ServeContext::fail().
///   3. stopping()           optional, on every plugin whose serve() ran, in start order, once,
///                           when a graceful stop begins and before the first stop(): stop
///                           advertising readiness (the status plugin answers /ready with
///                           unavailable from here on, while the http plugin still drains).
///                           Must not block or throw.
///   4. stop(deadline, done) optional, in reverse order, only for plugins whose serve() ran.
///                           Stop admitting work, drain, release; then call done() exactly once
///                           on the main io_context. A plugin still not done at `deadline` is
///                           abandoned (logged, exit code 1) and the next one is stopped.
///
/// Plugins never include each other: they meet through capability interfaces, found with
/// InitContext::require<T>() among the plugin's declared dependencies, or with
/// Registry::collect<T>() among every enabled plugin (RoadRunner's `Collects`).
///
/// Thread safety: every call happens on the main io_context's thread.

#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/reader.h"
#include "logging/logging.h"

namespace rr::plugins {

class Plugin;

/// What init() decided.
enum class InitStatus { kEnabled, kDisabled };

/// Absolute time by which a plugin's stop must be done.
using Deadline = std::chrono::steady_clock::time_point;

/// Completion of Plugin::stop(); an error code means the stop was not clean (exit code 1).
using StopDone = std::function<void(boost::system::error_code)>;

/// Every enabled plugin, for lookups by capability. Owned by the container; valid from the
/// first serve() until the last stop() has finished.
class Registry {
public:
    /// Every enabled plugin that implements T, with its name, in start order.
    template <class T>
    std::vector<std::pair<std::string_view, T*>> collect() const;

protected:
    ~Registry() = default;
    /// Enabled plugins in start order (owned by the container).
    virtual const std::vector<Plugin*>& enabled_plugins() const noexcept = 0;
};

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

    /// The whole loaded config (the document tree, `logs`, `endure`, base_dir).
    const config::Config& config() const noexcept { return config_; }
    /// The top-level section `name`, or nullptr when absent (the plugin is then disabled).
    const config::Node* section(std::string_view name) const { return config_.section(name); }
    /// A logger named after the plugin (`logs.channels.<name>` applies).
    const std::shared_ptr<spdlog::logger>& logger() const noexcept { return logger_; }
    /// Other named loggers (e.g. a plugin that logs for its workers under "server").
    logging::Logging& logging() const noexcept { return logging_; }
    /// The main io_context, on which serve/stop run and timers/sockets live.
    boost::asio::io_context& io() const noexcept { return io_; }

    /// Decodes with `decode(node, path, decode_context)` and logs every warning it produced
    /// (unknown keys, keys parsed but not served) on the plugin's logger.
    template <class Decode>
    auto decode(const config::Node& node, const std::string& path, Decode&& decode) const {
        config::Warnings warnings;
        const config::DecodeContext ctx{config_.base_dir, &warnings};
        auto result = std::forward<Decode>(decode)(node, path, ctx);
        for (const auto& w : warnings) logger_->warn("{}", w);
        return result;
    }

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
    using DeferStarted = std::function<std::function<void()>()>;

    ServeContext(boost::asio::io_context& io, const Registry& registry, FailHandler fail,
                 DeferStarted defer_started)
        : io_(&io),
          registry_(&registry),
          fail_(std::move(fail)),
          defer_started_(std::move(defer_started)) {}

    boost::asio::io_context& io() const noexcept { return *io_; }
    /// Every enabled plugin, for capability lookups now or later (until stop).
    const Registry& registry() const noexcept { return *registry_; }

    /// Reports a fatal runtime error (endure's error channel): the container logs it with the
    /// plugin name, stops every plugin and the process exits with code 1. Call on the main
    /// io_context; calling it more than once is harmless.
    void fail(std::string message) const { fail_(std::move(message)); }

    /// Call during serve() when the plugin is not up yet when serve() returns; call the
    /// returned function (once, on the main io_context) when it is. Without this call the
    /// plugin counts as started when serve() returns. A plugin that fails to start calls
    /// fail() instead.
    std::function<void()> defer_started() const { return defer_started_(); }

private:
    boost::asio::io_context* io_;  // not owned; outlives every plugin
    const Registry* registry_;     // the container; outlives every plugin's serve/stop
    FailHandler fail_;
    DeferStarted defer_started_;
};

/// Base class of every plugin. Each concrete plugin also declares
/// `static constexpr std::string_view kName` and returns it from name().
class Plugin {
public:
    virtual ~Plugin() = default;

    /// Unique, lower-case; also the logger name and, for most plugins, the section name in
    /// `.rr.yaml`.
    virtual std::string_view name() const noexcept = 0;

    /// The top-level `.rr.yaml` sections this plugin decodes (default: its name). The container
    /// warns about sections that no registered plugin owns.
    virtual std::vector<std::string_view> sections() const { return {name()}; }

    /// Names of plugins that must be initialised and served before this one (and stopped
    /// after it). An unknown name or a cycle is a bug in the plugin list (ContainerError).
    virtual std::vector<std::string_view> dependencies() const { return {}; }

    /// See the file comment. Throws config::ConfigError for bad config.
    virtual InitStatus init(InitContext& ctx) = 0;

    /// Starts work without blocking. Default: nothing to serve.
    virtual void serve(ServeContext& /*ctx*/) {}

    /// A graceful stop began (see the file comment). Default: nothing.
    virtual void stopping() noexcept {}

    /// Graceful stop; call done() once, on the main io_context. Default: done at once.
    virtual void stop(Deadline /*deadline*/, StopDone done) { done({}); }
};

template <class T>
std::vector<std::pair<std::string_view, T*>> Registry::collect() const {
    std::vector<std::pair<std::string_view, T*>> out;
    for (Plugin* p : enabled_plugins()) {
        if (auto* t = dynamic_cast<T*>(p)) out.emplace_back(p->name(), t);
    }
    return out;
}

}  // namespace rr::plugins
