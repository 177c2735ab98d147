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
///   8. decode every implemented section into the structs below, applying defaults and
///      validating; unknown keys inside implemented sections are errors, unknown or
///      unimplemented top-level sections are one warning each (Config::warnings).
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

#include "common/cidr.h"

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

/// One CIDR of http.trusted_subnets (common/cidr.h).
using Subnet = rr::Cidr;

// ---------------------------------------------------------------------------------------------
// server
// ---------------------------------------------------------------------------------------------

struct OnInitConfig {
    std::vector<std::string> command;  ///< required, non-empty
    Duration exec_timeout = std::chrono::seconds(60);
    bool exit_on_error = false;
    std::map<std::string, std::string> env;  ///< keys upper-cased, values env-expanded
    std::string user;
};

struct ServerConfig {
    /// argv of the worker; a string in the file is split on whitespace (no shell quoting).
    /// Required and non-empty.
    std::vector<std::string> command;
    std::string user;   ///< run workers as this user name ("" = our user)
    std::string group;  ///< parsed and ignored, as upstream (workers get user's primary group)
    std::map<std::string, std::string> env;  ///< extra worker env; keys UPPER-CASED
    /// Relay to workers. Empty optional = "pipes"; otherwise a tcp:// or unix:// endpoint.
    std::optional<Endpoint> relay;
    std::string relay_text = "pipes";  ///< literal value for RR_RELAY
    std::optional<OnInitConfig> on_init;
    // server.relay_timeout is accepted and ignored (no-op upstream since v2024.1).
};

// ---------------------------------------------------------------------------------------------
// pool (http.pool; the same block would serve other worker plugins)
// ---------------------------------------------------------------------------------------------

struct SupervisorConfig {
    Duration watch_tick = std::chrono::seconds(5);
    Duration ttl{0};                         ///< 0 = off; soft
    Duration idle_ttl{0};                    ///< 0 = off; soft
    std::uint64_t max_worker_memory_mb = 0;  ///< 0 = off; soft; MiB of RSS
    Duration exec_ttl{0};                    ///< 0 = off; hard (kill)
};

struct DynamicAllocatorConfig {
    std::uint32_t max_workers = 10;                   ///< 1..100
    std::uint32_t spawn_rate = 5;                     ///< 1..100
    Duration idle_timeout = std::chrono::minutes(1);  ///< >= 1s
};

struct PoolConfig {
    std::vector<std::string> command;  ///< empty = use server.command
    /// Workers started up front. 0 in the file is resolved to the CPU count at load time, so
    /// this is > 0 after loading, except in debug mode where it is forced to 0. Max 500.
    std::uint32_t num_workers = 0;
    std::uint64_t max_jobs = 0;        ///< 0 = unlimited (debug mode forces 1)
    std::uint64_t max_queue_size = 0;  ///< 0 = unlimited (debug mode forces 0)
    Duration allocate_timeout = std::chrono::seconds(60);
    Duration reset_timeout = std::chrono::seconds(60);
    Duration destroy_timeout = std::chrono::seconds(60);
    Duration stream_timeout = std::chrono::seconds(60);
    bool debug = false;                                       ///< a fresh worker per request
    std::optional<SupervisorConfig> supervisor;               ///< absent = no supervisor
    std::optional<DynamicAllocatorConfig> dynamic_allocator;  ///< absent = off
};

// ---------------------------------------------------------------------------------------------
// http
// ---------------------------------------------------------------------------------------------

struct UploadsConfig {
    std::string dir;                  ///< "" = OS temp dir
    std::vector<std::string> forbid;  ///< lower-cased extensions with the dot (".php")
    std::vector<std::string> allow;   ///< lower-cased; empty = all not forbidden
};

struct CorsConfig {
    std::string allowed_origin;
    std::string allowed_origin_regex;  ///< if set, allowed_origin is ignored
    std::string allowed_headers;
    std::string allowed_methods;
    bool allow_credentials = false;
    std::string exposed_headers;
    std::int64_t max_age = 0;          ///< seconds; header only sent if > 0
    int options_success_status = 200;  ///< 100..599
    bool debug = false;
};

struct HeadersConfig {
    std::optional<CorsConfig> cors;  ///< absent = no CORS handling
    HeaderList request;              ///< added to every request
    HeaderList response;             ///< set on every response
};

struct StaticConfig {
    std::string dir = ".";            ///< must be an existing directory (checked at load)
    std::vector<std::string> forbid;  ///< lower-cased extensions with the dot
    std::vector<std::string> allow;
    bool calculate_etag = false;
    bool weak = false;
    HeaderList request;
    HeaderList response;
};

/// rr extension: upstream gzip has no knobs; these default to upstream's behaviour.
struct GzipConfig {
    int level = 6;                        ///< 1..9 (zlib level)
    std::uint64_t min_size_bytes = 1024;  ///< smaller bodies are sent uncompressed
};

enum class ClientAuthType {
    kNoClientCerts,
    kRequestClientCert,
    kRequireAnyClientCert,
    kVerifyClientCertIfGiven,
    kRequireAndVerifyClientCert,
};

struct AcmeConfig {
    std::string cache_dir = "rr_cache_dir";
    std::string email;                       ///< required
    std::vector<std::string> domains;        ///< required, >= 1
    std::string challenge_type = "http-01";  ///< "http-01" | "tlsalpn-01"
    std::uint16_t alt_http_port = 80;
    std::uint16_t alt_tlsalpn_port = 443;
    bool use_production_endpoint = false;
};

struct SslConfig {
    Endpoint address;       ///< default 127.0.0.1:443 (upstream code default)
    bool redirect = false;  ///< plain listener answers 308 → https
    std::string cert;       ///< PEM path; required unless acme; must exist
    std::string key;        ///< PEM path; required unless acme; must exist
    std::string root_ca;    ///< optional CA bundle for client certs
    ClientAuthType client_auth_type = ClientAuthType::kNoClientCerts;
    std::optional<AcmeConfig> acme;  ///< accepted; not implemented by this build
};

struct Http2Config {
    bool h2c = false;
    std::uint32_t max_concurrent_streams = 128;  ///< >= 1
};

/// Accepted so real configs load; HTTP/3 is experimental upstream and not implemented here.
struct Http3Config {
    std::string address;
    std::string cert;
    std::string key;
};

struct FcgiConfig {
    Endpoint address;  ///< accepted; FastCGI frontend not implemented by this build
};

/// rr extension (`http.limits`): limits upstream hard-codes, made configurable. Defaults equal
/// upstream's hard-coded plain-HTTP values. Applied to plain HTTP, h2c and HTTPS alike.
struct HttpLimitsConfig {
    std::uint64_t max_header_bytes = 1024 * 1024;  ///< request line + headers; over → 431
    Duration read_header_timeout = std::chrono::minutes(5);
    Duration read_timeout = std::chrono::minutes(5);   ///< whole request incl. body; 0 = none
    Duration write_timeout = std::chrono::minutes(5);  ///< whole response; 0 = none
    Duration idle_timeout = std::chrono::hours(1);     ///< keep-alive idle; 0 = none
    std::uint64_t max_connections = 0;                 ///< 0 = unlimited
};

struct HttpConfig {
    std::optional<Endpoint> address;  ///< plain HTTP listener; absent = none
    int internal_error_code = 500;    ///< 100..599
    bool access_logs = false;
    std::uint64_t max_request_size_mb = 1000;  ///< 0 in the file ⇒ 1000 (as upstream)
    bool raw_body = false;
    std::vector<std::string> middleware;  ///< order as written; unknown names → warning
    /// Absent key = proxy_ip_parser disabled (upstream's documented default list is NOT applied).
    std::optional<std::vector<Subnet>> trusted_subnets;
    std::vector<std::string> trusted_headers;  ///< [v6] key; default list from BEHAVIOUR.md §1.2
    UploadsConfig uploads;
    std::optional<HeadersConfig> headers;      ///< absent = headers middleware disabled
    std::optional<StaticConfig> static_files;  ///< key `static`; absent = disabled
    GzipConfig gzip;                           ///< rr extension `http.gzip`
    std::optional<SslConfig> ssl;
    Http2Config http2;
    std::optional<Http3Config> http3;
    std::optional<FcgiConfig> fcgi;
    HttpLimitsConfig limits;  ///< rr extension `http.limits`
    PoolConfig pool;
};

// ---------------------------------------------------------------------------------------------
// rpc, status, metrics
// ---------------------------------------------------------------------------------------------

struct RpcConfig {
    Endpoint listen;  ///< default tcp://127.0.0.1:6001; listen.text is the value for RR_RPC
};

struct StatusConfig {
    Endpoint address;                        ///< required
    int unavailable_status_code = 503;       ///< 100..599
    std::chrono::seconds check_timeout{60};  ///< integer seconds in the file (upstream type)
};

struct MetricCollectorConfig {
    enum class Type { kCounter, kGauge, kHistogram, kSummary };
    Type type = Type::kCounter;  ///< required
    std::string help;
    std::string namespace_name;  ///< key `namespace`
    std::string subsystem;
    std::vector<std::string> labels;
    std::vector<double> buckets;          ///< histogram; empty = Prometheus defaults
    std::map<double, double> objectives;  ///< summary: quantile → allowed error
};

struct MetricsConfig {
    Endpoint address;  ///< default 127.0.0.1:2112
    std::map<std::string, MetricCollectorConfig> collect;
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

/// A section absent from the file leaves its optional empty: that plugin is disabled
/// (RoadRunner's convention). `logs` and `endure` always exist with defaults.
struct Config {
    std::string version;  ///< "3" (or "2.7", with a warning)
    std::optional<ServerConfig> server;
    std::optional<HttpConfig> http;  ///< present ⇒ server is present too (checked)
    std::optional<RpcConfig> rpc;
    std::optional<StatusConfig> status;
    std::optional<MetricsConfig> metrics;
    LogsConfig logs;
    EndureConfig endure;
    /// Non-fatal findings for the app to log once logging is up: unimplemented or unknown
    /// top-level sections, unknown middleware names, version "2.7".
    std::vector<std::string> warnings;
    /// The merged, expanded, overridden tree as JSON (for the `rpc.Config` RPC method).
    std::string raw_json;
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
