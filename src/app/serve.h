#pragma once
// `rr serve` once config and logging exist: the container, the signals, the run loop.
//
// Signals (BEHAVIOUR.md §2.4, docs/cli.md): the first SIGINT/SIGTERM/SIGQUIT prints
// "stop signal received, grace timeout is: N seconds" and stops the plugins in reverse order,
// each within endure.grace_period; a second one prints "exit forced" and exits with code 1 at
// once. SIGUSR2 prints "restart signal received, grace timeout is: N seconds", stops the same
// way and reports ServeOptions::restart_requested (systemd hears RELOADING=1, not STOPPING=1);
// a SIGUSR2 during a stop is ignored. SIGPIPE is ignored (peers closing sockets are handled as
// I/O errors). SIGHUP is not trapped (as upstream: it terminates).
// With $NOTIFY_SOCKET set, systemd gets READY=1, STOPPING=1 and watchdog pings (sd_notify.h).
//
// Thread safety: call once, from the main thread; returns when everything has stopped.

#include <memory>
#include <vector>

#include "plugins/api/plugin.h"

namespace rr::app {

struct ServeOptions {
    bool silent = false;  ///< -s: no "RoadRunner server started" line
    bool debug = false;   ///< -d: pprof is not available; a warning is logged
    /// Set to true when SIGUSR2 asked for a restart: serve() then returns after the graceful
    /// stop and the caller re-executes the binary (cli: execve). May be null (no restart:
    /// SIGUSR2 is then a plain graceful stop).
    bool* restart_requested = nullptr;
};

/// Runs until a stop signal or a fatal plugin error. Returns the exit code: 0 after a clean
/// stop; 1 after a fatal plugin error or a failed/timed-out stop.
/// Throws config::ConfigError (a plugin's init) or ContainerError (broken plugin list) before
/// anything is served; the caller prints it and exits with code 1.
int serve(const config::Config& config, logging::Logging& logging,
          std::vector<std::unique_ptr<plugins::Plugin>> plugin_list, const ServeOptions& options);

}  // namespace rr::app
