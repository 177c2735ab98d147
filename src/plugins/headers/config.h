#pragma once
/// The `http.headers` section (BEHAVIOUR.md §1.4, docs/http.md "headers"): extra request and
/// response headers, and CORS as upstream configures rs/cors.
///
/// Thread safety: plain values.

#include <cstdint>
#include <optional>
#include <string>

#include "config/config.h"
#include "config/reader.h"

namespace rr::plugins {

struct CorsConfig {
    std::string allowed_origin;        ///< comma list; "" = every origin (rs/cors default)
    std::string allowed_origin_regex;  ///< ECMAScript regex, searched; set = allowed_origin ignored
    std::string allowed_headers;       ///< comma list; "*" = any; "" = rs/cors defaults
    std::string allowed_methods;       ///< comma list; "" = GET, POST, HEAD
    bool allow_credentials = false;
    std::string exposed_headers;       ///< comma list
    std::int64_t max_age = 0;          ///< seconds; the header only when > 0
    int options_success_status = 200;  ///< preflight status (upstream's default 200); 0 = 200
    bool debug = false;                ///< log every CORS decision (info level)
};

struct HeadersConfig {
    std::optional<CorsConfig> cors;  ///< absent = no CORS handling
    config::HeaderList request;      ///< added to every request before the app sees it
    config::HeaderList response;     ///< set on every response (before the app's own headers)
};

/// Decodes `http.headers`. Throws ConfigError naming the key (bad status, bad regex).
HeadersConfig decode_headers_config(const config::Node& v, const std::string& path,
                                    const config::DecodeContext& ctx);

}  // namespace rr::plugins
