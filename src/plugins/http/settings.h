#pragma once
// Maps the typed `http` config onto the plain settings of http::Server and forms::FormParser.
// Pure functions; thread safety: stateless.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forms/form_parser.h"
#include "http/settings.h"
#include "http/tls/context.h"
#include "plugins/http/config.h"

namespace rr::plugins {

/// Listener, limits, timeouts and trusted proxies. Client-IP resolution (proxy_ip_parser) is on
/// only when `http.middleware` lists `proxy_ip_parser` and `http.trusted_subnets` is set, as
/// upstream; it also lets X-Forwarded-Proto set the uri scheme (upstream #644).
/// Listeners: `http.address` (TCP or unix; with `ssl.redirect` it only redirects to HTTPS) and
/// `http.ssl.address` with `tls` (null = no HTTPS listener).
http::ServerSettings server_settings(const HttpConfig& http,
                                     std::shared_ptr<const http::tls::TlsContext> tls = nullptr);

/// The TLS context of `http.ssl` (null without it): certificate, key, root_ca, client auth,
/// ALPN. Throws config::ConfigError naming the key whose file OpenSSL refuses
/// ("http.ssl.key: cannot load the private key from ...").
std::shared_ptr<const http::tls::TlsContext> tls_context(const HttpConfig& http);

/// Upload directory and extension rules; temp files are chown'ed to `uid`/`gid` when the
/// workers run as another user (server.user).
forms::FormSettings form_settings(const HttpConfig& http, std::optional<uid_t> uid,
                                  std::optional<gid_t> gid);

/// The chain for `http.middleware`, as RoadRunner's stable line builds it: the list is wrapped
/// left to right, so the LAST listed name is the outermost link (the request "comes from the
/// right"; v6 beta reverses this). `proxy_ip_parser` is served inside the HTTP layer (see
/// server_settings) and is not a link. Names `available` rejects are returned in `unknown`
/// (upstream warns "requested middleware does not exist" and skips them).
struct MiddlewarePlan {
    std::vector<std::string> outermost_first;
    std::vector<std::string> unknown;
};
MiddlewarePlan plan_middleware(const std::vector<std::string>& configured,
                               const std::function<bool(std::string_view)>& available);

}  // namespace rr::plugins
