#pragma once
/// Typed `.rr.yaml` / JSON configuration (docs/config.md lists every key, default and rule).
///
/// Loading pipeline, in order (BEHAVIOUR.md §1.0; docs/config.md §1 has the details):
///   1. `--dotenv` file → process environment (variables already set are kept);
///   2. parse the root file (YAML or JSON; yaml-cpp reads both; `<<: *anchor` merge keys work);
///   3. `envfile:` (top level) → process environment, resolved next to the config file;
///   4. expand `${VAR}`, `$VAR`, `${VAR:-default}` in every string scalar;
///   5. merge the `-o key.path=value` overrides (themselves env-expanded) over the root;
///   6. check `version` (must be the string "3"; "2.7" loads with a warning);
///   7. merge `include` files over the root in order (deep map merge, later wins); each
///      included file is env-expanded and must carry the same version; then re-apply `-o`
///      so that overrides win over included files too;
///   8. decode `logs` and `endure` (the app's own sections) into the structs below. Every other
///      section is decoded by the plugin that owns it (plugins/<name>/config.h) from
///      Config::section(), with config/reader.h; sections no plugin owns are reported by the
///      plugin container.
///
/// Errors: every function that loads throws ConfigError whose what() is
/// `<key.path>: <reason>` (for bad values: `<key.path>: expected <what>, got "<value>"`).
/// The CLI prints what() once and exits with code 1.
///
/// Thread safety: loading mutates the process environment (dotenv) and must run on the main
/// thread before other threads start. A loaded Config is an immutable value; share it as
/// `std::shared_ptr<const Config>`; reading it is safe from any thread.

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/node.h"

namespace rr::config {

/// Thrown for any configuration problem at start-up (never on the data path).
class ConfigError : public std::runtime_error {
public:
    /// what() becomes "<key_path>: <reason>", or just "<reason>" when key_path is empty.
    ConfigError(std::string key_path, std::string reason);

    /// Dot path of the offending key ("http.pool.num_workers"); empty for file-level errors.
    const std::string& key_path() const noexcept { return key_path_; }
    /// The reason without the key path.
    const std::string& reason() const noexcept { return reason_; }

private:
    std::string key_path_;
    std::string reason_;
};

using Duration = std::chrono::nanoseconds;

/// An ordered list of header name/value pairs as written in the file (names as written;
/// HTTP code compares them case-insensitively).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// A listen or connect address: `host:port`, `tcp://host:port`, `unix://path`.
/// `:8080` means host "" (all IPv4 interfaces, as upstream). Port 0 is allowed (tests).
struct Endpoint {
    enum class Kind { kTcp, kUnix };
    Kind kind = Kind::kTcp;
    std::string host;        ///< kTcp: host name or IP literal (brackets removed), may be empty
    std::uint16_t port = 0;  ///< kTcp only
    std::string path;        ///< kUnix only, as written (may be relative)
    std::string text;        ///< the original string, e.g. for RR_RPC / RR_RELAY
};

// ---------------------------------------------------------------------------------------------
// logs
// ---------------------------------------------------------------------------------------------

enum class LogMode { kDevelopment, kProduction, kRaw, kOff };  ///< "none" = kOff
enum class LogLevel { kDebug, kInfo, kWarn, kError, kPanic };  ///< "fatal"/"dpanic" = kPanic
enum class LogEncoding { kConsole, kJson };

struct FileLoggerOptions {
    std::string log_output;  ///< "" = OS temp dir (upstream)
    std::uint32_t max_size_mb = 100;
    std::uint32_t max_age_days = 24;
    std::uint32_t max_backups = 10;
    bool compress = false;
};

/// Fully resolved settings of one logger.
struct LogSettings {
    LogMode mode = LogMode::kDevelopment;
    LogLevel level = LogLevel::kDebug;
    /// Explicit `encoding`; empty = mode's default (development → console, production → json).
    std::optional<LogEncoding> encoding;
    std::string line_ending = "\n";             ///< "" in the file is coerced to "\n"
    std::vector<std::string> output{"stderr"};  ///< "stderr", "stdout" or file paths
    std::vector<std::string> err_output{"stderr"};
    std::optional<FileLoggerOptions> file_logger_options;
    // [v6] slog keys, accepted and stored.
    std::string format;
    std::string time_format;
    bool skip_line_ending = false;
};

struct LogsConfig : LogSettings {
    /// Per-channel settings (`logs.channels.<name>`): each key not given in the channel is
    /// inherited from the root settings (an rr decision; documented in docs/config.md).
    std::map<std::string, LogSettings> channels;

    /// Settings for a named logger ("http", "server", ...): the channel's, or the root's.
    const LogSettings& for_channel(std::string_view name) const;
};

// ---------------------------------------------------------------------------------------------
// endure
// ---------------------------------------------------------------------------------------------

struct EndureConfig {
    Duration grace_period = std::chrono::seconds(30);
    LogLevel log_level = LogLevel::kError;
    bool print_graph = false;
    std::uint32_t watchdog_sec = 0;
};

// ---------------------------------------------------------------------------------------------
// the whole file
// ---------------------------------------------------------------------------------------------

struct LoadOptions {
    std::string path = ".rr.yaml";       ///< config file, opened as given (CLI makes it absolute)
    std::string workdir;                 ///< base for relative `include` paths; "" = CWD
    std::vector<std::string> overrides;  ///< "-o" values: "a.b.c=value"
    std::string dotenv;                  ///< "--dotenv" file; "" = none
};

/// The loaded document. A section absent from the file (or written without a body) disables
/// the plugin that owns it (RoadRunner's convention). `logs` and `endure` always exist with
/// defaults.
struct Config {
    std::string version;   ///< "3" (or "2.7", with a warning)
    Node root;             ///< the merged, expanded, overridden document
    std::string base_dir;  ///< relative paths in sections resolve against this ("" = CWD)
    LogsConfig logs;
    EndureConfig endure;
    /// Non-fatal findings for the app to log once logging is up (version "2.7", unknown keys
    /// in `logs`/`endure`).
    std::vector<std::string> warnings;
    /// The merged, expanded, overridden tree as JSON (for the `rpc.Config` RPC method).
    std::string raw_json;

    /// The top-level section `name` (case-insensitive), or nullptr when absent or null.
    const Node* section(std::string_view name) const;
    /// The top-level keys, in file order (version, include and envfile left out).
    std::vector<std::string> section_names() const;
};

/// Loads `opts.path` (see the pipeline above). Throws ConfigError.
Config load(const LoadOptions& opts);

/// Same as load() but the root document is `text` (opts.path is ignored except that relative
/// includes are resolved against opts.workdir). For tests and `-c -`. Throws ConfigError.
Config parse_string(std::string_view text, const LoadOptions& opts = {});

// ---------------------------------------------------------------------------------------------
// helpers, public for other modules and tests
// ---------------------------------------------------------------------------------------------

/// Go duration syntax: "300ms", "1m30s", "1h2m3.5s", "-5s", "0"; units ns, us, µs, ms, s, m, h.
/// A bare number (no unit) is nanoseconds, as upstream. Returns nullopt on bad syntax or
/// overflow.
std::optional<Duration> parse_duration(std::string_view text);

/// Expands `${VAR}`, `$VAR` and `${VAR:-default}` against the process environment. The default
/// applies when VAR is unset or empty; an unknown VAR expands to "". Other text is kept as is.
/// rr::expand_env (common/expand_env.h) with defaults on.
std::string expand_env(std::string_view text);

/// Parses `host:port`, `tcp://host:port` or `unix://path`. Returns nullopt if malformed.
std::optional<Endpoint> parse_endpoint(std::string_view text);

}  // namespace rr::config
