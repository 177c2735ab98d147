#pragma once
// app::Container: holds the plugin list, orders it by declared dependencies, and drives
// init → serve → stop (STYLE.md §11.2, BEHAVIOUR.md §1.14 `endure`).
//
// Order: topological over Plugin::dependencies(); plugins with no ordering constraint between
// them keep the order in which they were added (so src/app/plugins.cpp reads top to bottom).
// Stop: first stopping() on every served plugin (start order), then stop() in reverse order,
// one plugin at a time, each with `grace_period` to call its done().
//
// Thread safety: main io_context thread only.
// Errors: order()/init() throw ContainerError for an unknown dependency or a dependency cycle,
// and let config::ConfigError from a plugin's init() pass through (start-up; exit code 1).

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "plugins/api/plugin.h"

namespace rr::app {

using plugins::Deadline;
using plugins::InitContext;
using plugins::InitStatus;
using plugins::Plugin;
using plugins::ServeContext;

/// A broken plugin list (unknown dependency, cycle, duplicate name). A programming error, but
/// reported like a config error: one line, exit code 1.
class ContainerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Container final : public plugins::Registry {
public:
    /// `logging` and `config` must outlive the container. grace_period: per-plugin stop limit.
    Container(boost::asio::io_context& io, logging::Logging& logging, const config::Config& config,
              std::chrono::nanoseconds grace_period);
    ~Container();
    Container(const Container&) = delete;
    Container& operator=(const Container&) = delete;

    /// Adds a plugin (before init()). Throws ContainerError for a duplicate name.
    void add(std::unique_ptr<Plugin> plugin);

    /// One warning per top-level section of the config that no registered plugin (and not the
    /// app itself: logs, endure) decodes: "not served by this build" for sections upstream
    /// plugins own, "unknown section" for the rest. Both are ignored, as upstream ignores them.
    std::vector<std::string> unowned_sections() const;

    /// The start order (names). Throws ContainerError (unknown dependency, cycle with its path).
    std::vector<std::string> order() const;

    /// Initialises every plugin in order; disabled ones (and their dependents) are skipped.
    void init();

    /// Serves enabled plugins in order. A fatal error, reported synchronously or later through
    /// ServeContext::fail(), calls on_fail(plugin name, message) (once per report).
    /// on_started() runs once, on the io_context, when every plugin is up (see
    /// ServeContext::defer_started); never if a plugin failed first.
    using FailHandler = std::function<void(std::string_view plugin, std::string message)>;
    void serve(FailHandler on_fail, std::function<void()> on_started);

    /// Stops served plugins in reverse order (see the file comment), then calls
    /// done(clean): clean is false if a plugin reported an error or missed its deadline.
    /// A second call while stopping is ignored.
    void stop(std::function<void(bool clean)> done);

    /// Names of the enabled plugins, in start order (after init()).
    std::vector<std::string> enabled() const;

private:
    const std::vector<Plugin*>& enabled_plugins() const noexcept override { return enabled_; }
    void stop_next(std::size_t remaining);

    boost::asio::io_context& io_;
    logging::Logging& logging_;
    const config::Config& config_;
    std::chrono::nanoseconds grace_period_;
    std::shared_ptr<spdlog::logger> log_;

    std::vector<std::unique_ptr<Plugin>> plugins_;  // as added
    std::vector<Plugin*> enabled_;                  // start order; owned by plugins_
    std::vector<Plugin*> served_;                   // serve() was called; start order
    std::size_t starting_ = 0;  // plugins that deferred "started" and are not up yet
    bool failed_ = false;
    std::function<void()> on_started_;
    bool stopping_ = false;
    bool clean_ = true;
    std::function<void(bool)> stop_done_;
};

}  // namespace rr::app
