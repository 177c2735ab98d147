#include "plugins/http/settings.h"

#include <algorithm>

namespace rr::plugins {

http::ServerSettings server_settings(const HttpConfig& http) {
    http::ServerSettings s;
    if (http.address) {
        http::ListenerSettings l;
        l.config_key = "http.address";
        if (http.address->kind == config::Endpoint::Kind::kUnix) {
            l.kind = http::ListenerSettings::Kind::kUnix;
            l.path = http.address->path;
        } else {
            l.host = http.address->host;
            l.port = http.address->port;
        }
        s.listeners.push_back(std::move(l));
        s.host = http.address->host;
        s.port = http.address->port;
    }
    s.max_header_bytes = http.limits.max_header_bytes;
    s.max_request_size = http.max_request_size_mb * 1024 * 1024;
    s.header_timeout = http.limits.read_header_timeout;
    s.read_timeout = http.limits.read_timeout;
    s.write_timeout = http.limits.write_timeout;
    s.idle_timeout = http.limits.idle_timeout;
    s.max_connections = http.limits.max_connections;
    s.internal_error_code = http.internal_error_code;

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
