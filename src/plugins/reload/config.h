#pragma once
/// The `reload` section (BEHAVIOUR.md §1.13; upstream's roadrunner-server/reload): the dev-mode
/// file watcher that resets plugins when their PHP files change. docs/config.md lists the keys.
///
///   reload:
///     interval: 1s          # quiet time before a reset (debounce); default 1s, minimum 1s
///     patterns: [".php"]    # a file matches when its NAME contains one of them (upstream)
///     services:             # plugin name -> what to watch (at least one)
///       http:
///         dirs: ["."]       # relative to the working directory; a file works too
///         recursive: true   # subdirectories too, including ones created later
///         ignore: ["vendor"] # paths (relative to the working directory) never looked at
///         patterns: [".phtml"]  # added to the global patterns
///
/// Thread safety: plain values.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace rr::plugins {

struct ReloadServiceConfig {
    std::string name;                         ///< the plugin to reset ("http")
    std::vector<std::filesystem::path> dirs;  ///< absolute (resolved against the workdir)
    bool recursive = false;
    std::vector<std::filesystem::path> ignore;  ///< absolute
    std::vector<std::string> patterns;          ///< the service's, then the global ones
};

struct ReloadConfig {
    config::Duration interval = std::chrono::seconds(1);
    std::vector<std::string> patterns{".php"};  ///< global
    std::vector<ReloadServiceConfig> services;  ///< in file order; at least one
};

/// Decodes the `reload` section. Throws ConfigError naming the key: an interval under 1s
/// (`reload.interval: too short ...`), no services, a service that is not a map.
ReloadConfig decode_reload_config(const config::Node& v, const std::string& path,
                                  const config::DecodeContext& ctx);

}  // namespace rr::plugins
