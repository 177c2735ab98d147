#pragma once
/// The `http` section (BEHAVIOUR.md §1.2–1.8): listeners, limits, uploads, TLS, HTTP/2 and the
/// worker pool. Middleware subsections (`http.static`, `http.headers`, `http.gzip`, ...) belong
/// to the middleware plugins, not here. docs/config.md lists every key.
///
/// Thread safety: plain values.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/cidr.h"
#include "config/config.h"
#include "config/reader.h"
#include "plugins/api/pool_config.h"

namespace rr::plugins {

using config::Duration;

/// Subsections of `http` that belong to middleware plugins (each decodes its own), so the http
/// decoder leaves them alone.
inline constexpr std::array<std::string_view, 7> kMiddlewareSections = {
    "static", "headers", "gzip", "sendfile", "cache", "new_relic", "otel"};

struct UploadsConfig {
    std::string dir;                  ///< "" = OS temp dir
    std::vector<std::string> forbid;  ///< lower-cased extensions with the dot (".php")
    std::vector<std::string> allow;   ///< lower-cased; empty = all not forbidden
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
    config::Endpoint address;  ///< default 127.0.0.1:443 (upstream code default)
    bool redirect = false;     ///< plain listener answers 308 → https
    std::string cert;          ///< PEM path; required unless acme; must exist
    std::string key;           ///< PEM path; required unless acme; must exist
    std::string root_ca;       ///< optional CA bundle for client certs
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
    config::Endpoint address;  ///< accepted; FastCGI frontend not implemented by this build
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
    std::optional<config::Endpoint> address;  ///< plain HTTP listener; absent = none
    int internal_error_code = 500;            ///< 100..599
    bool access_logs = false;
    std::uint64_t max_request_size_mb = 1000;  ///< 0 in the file ⇒ 1000 (as upstream)
    bool raw_body = false;
    /// [rr] `retry`: "idempotent" (default), "all" or "off": which requests run once more on
    /// another worker when theirs was lost before answering (docs/http.md "Safe retry").
    std::string retry = "idempotent";
    /// [rr] `io_threads`: event loops serving HTTP (docs/scaling.md). 0 = auto
    /// (default_io_threads()); 1 = today's single loop on the main thread.
    std::size_t io_threads = 0;
    std::vector<std::string> middleware;  ///< order as written; unknown names → warning
    /// Absent key = proxy_ip_parser disabled (upstream's documented default list is NOT applied).
    std::optional<std::vector<rr::Cidr>> trusted_subnets;
    std::vector<std::string> trusted_headers;  ///< [v6] key; default list from BEHAVIOUR.md §1.2
    UploadsConfig uploads;
    std::optional<SslConfig> ssl;
    Http2Config http2;
    std::optional<Http3Config> http3;
    std::optional<FcgiConfig> fcgi;
    HttpLimitsConfig limits;  ///< rr extension `http.limits`
    PoolConfig pool;
};

/// `http.io_threads: 0` (auto): 1 when `cores` <= 2, else min(cores / 4, 8).
std::size_t default_io_threads(unsigned cores) noexcept;

/// Decodes the `http` section. Throws ConfigError naming the key.
HttpConfig decode_http_config(const config::Node& v, const std::string& path,
                              const config::DecodeContext& ctx);

}  // namespace rr::plugins
