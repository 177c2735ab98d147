#include "plugins/http/settings.h"

#include <algorithm>

#include "config/config.h"
#include "plugins/api/listener.h"

namespace rr::plugins {

namespace {

http::tls::ClientAuth client_auth(ClientAuthType t) {
    switch (t) {
        case ClientAuthType::kNoClientCerts:
            return http::tls::ClientAuth::kNone;
        case ClientAuthType::kRequestClientCert:
            return http::tls::ClientAuth::kRequest;
        case ClientAuthType::kRequireAnyClientCert:
            return http::tls::ClientAuth::kRequireAny;
        case ClientAuthType::kVerifyClientCertIfGiven:
            return http::tls::ClientAuth::kVerifyIfGiven;
        case ClientAuthType::kRequireAndVerifyClientCert:
            return http::tls::ClientAuth::kRequireAndVerify;
    }
    return http::tls::ClientAuth::kNone;
}

}  // namespace

std::shared_ptr<const http::tls::TlsContext> tls_context(const HttpConfig& http) {
    if (!http.ssl) return nullptr;
    http::tls::TlsSettings t;
    t.cert = http.ssl->cert;
    t.key = http.ssl->key;
    t.root_ca = http.ssl->root_ca;
    t.client_auth = client_auth(http.ssl->client_auth_type);
    t.alpn = {"h2", "http/1.1"};  // HTTP/2 over TLS is always on, as upstream
    t.cert_key = "http.ssl.cert";
    t.key_key = "http.ssl.key";
    t.root_ca_key = "http.ssl.root_ca";
    std::string error;
    auto ctx = http::tls::TlsContext::create(t, error);
    if (!ctx) {
        const auto colon = error.find(": ");
        throw config::ConfigError(error.substr(0, colon),
                                  colon == std::string::npos ? error : error.substr(colon + 2));
    }
    return ctx;
}

http::ServerSettings server_settings(const HttpConfig& http,
                                     std::shared_ptr<const http::tls::TlsContext> tls) {
    http::ServerSettings s;
    if (http.address) {
        s.listeners.push_back(listener_for(*http.address, "http.address"));
        s.listeners.back().h2c = http.http2.h2c;
        s.host = http.address->host;
        s.port = http.address->port;
    }
    if (http.ssl && tls) {
        if (!s.listeners.empty() && http.ssl->redirect) {
            s.listeners.front().redirect_to_https = true;
            s.listeners.front().https_port = http.ssl->address.port;
        }
        auto l = listener_for(http.ssl->address, "http.ssl.address");
        l.tls = std::move(tls);
        s.listeners.push_back(std::move(l));
    }
    s.max_header_bytes = http.limits.max_header_bytes;
    s.max_request_size = http.max_request_size_mb * 1024 * 1024;
    s.header_timeout = http.limits.read_header_timeout;
    s.read_timeout = http.limits.read_timeout;
    s.write_timeout = http.limits.write_timeout;
    s.idle_timeout = http.limits.idle_timeout;
    s.max_connections = http.limits.max_connections;
    s.internal_error_code = http.internal_error_code;
    s.h2_max_concurrent_streams = http.http2.max_concurrent_streams;

    const bool proxy_ip_parser = std::find(http.middleware.begin(), http.middleware.end(),
                                           "proxy_ip_parser") != http.middleware.end();
    if (proxy_ip_parser && http.trusted_subnets) {
        s.mapping.trusted_subnets = *http.trusted_subnets;
        if (!http.trusted_headers.empty()) s.mapping.trusted_headers = http.trusted_headers;
    }
    return s;
}

forms::FormSettings form_settings(const HttpConfig& http, std::optional<uid_t> uid,
                                  std::optional<gid_t> gid) {
    forms::FormSettings f;
    f.uploads.dir = http.uploads.dir;
    f.uploads.forbid = http.uploads.forbid;
    f.uploads.allow = http.uploads.allow;
    f.uploads.uid = uid;
    f.uploads.gid = gid;
    // Current RoadRunner bounds urlencoded forms by max_request_size only (roadrunner#1172,
    // BEHAVIOUR.md §3.2): no separate 10 MB cap as Go's ParseForm has.
    f.max_urlencoded_bytes = http.max_request_size_mb * 1024 * 1024;
    return f;
}

MiddlewarePlan plan_middleware(const std::vector<std::string>& configured,
                               const std::function<bool(std::string_view)>& available) {
    MiddlewarePlan plan;
    for (auto it = configured.rbegin(); it != configured.rend(); ++it) {
        if (*it == "proxy_ip_parser") continue;
        if (available(*it)) {
            plan.outermost_first.push_back(*it);
        } else {
            plan.unknown.insert(plan.unknown.begin(), *it);  // reported in the configured order
        }
    }
    return plan;
}

}  // namespace rr::plugins
