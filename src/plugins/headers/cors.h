#pragma once
// CorsPolicy: CORS as RoadRunner does it through rs/cors (v1.11, the version the stable line
// ships), for the `headers` middleware (docs/http.md "headers", CORS):
//   - a preflight is an OPTIONS request with Access-Control-Request-Method; it is answered by
//     the middleware with `options_success_status` and no body, whatever the outcome: a
//     refused preflight simply lacks the Access-Control-Allow-* headers;
//   - preflights always get `Vary: Origin, Access-Control-Request-Method,
//     Access-Control-Request-Headers`, other requests `Vary: Origin`;
//   - origin: "*" (or no allowed_origin at all) allows every origin and answers "*" (also
//     with credentials, as rs/cors ≥ 1.9 does); entries may hold one '*' wildcard
//     ("https://*.example.com"); matching ignores case; allowed_origin_regex (searched, not
//     anchored, like Go's MatchString) replaces the list and echoes the origin;
//   - methods: allowed_methods (default GET, POST, HEAD); OPTIONS always passes; an actual
//     request whose method is not allowed gets no CORS headers;
//   - headers: every name in Access-Control-Request-Headers must be allowed (case-insensitive;
//     "*" allows all; default: Accept, Content-Type, X-Requested-With); the preflight echoes
//     the requested list;
//   - credentials, max age (> 0 only) and exposed headers (canonical names, ", "-joined).
// rr is lenient where upstream silently fails: list entries are trimmed of spaces.
//
// Thread safety: immutable after construction; safe from any thread.

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "http/fields.h"
#include "plugins/headers/config.h"

namespace rr::plugins {

class CorsPolicy {
public:
    /// `cfg` was validated by the decoder (the regex compiles).
    explicit CorsPolicy(const CorsConfig& cfg);

    static bool is_preflight(std::string_view method, const http::Fields& request);

    /// Adds the preflight answer's headers to `out`. Returns a short reason when the preflight
    /// was refused (for debug logs), else "".
    std::string_view preflight(const http::Fields& request, http::Fields& out) const;
    /// Adds the CORS headers of an actual (non-preflight) response to `out`; same return.
    std::string_view actual(std::string_view method, const http::Fields& request,
                            http::Fields& out) const;

    int options_success_status() const noexcept { return status_; }

    /// Whether `origin` may make cross-origin requests.
    bool origin_allowed(std::string_view origin) const;

private:
    struct Wildcard {
        std::string prefix;
        std::string suffix;
    };

    bool method_allowed(std::string_view method) const;
    bool headers_allowed(const std::vector<std::string_view>& requested) const;

    bool all_origins_ = false;
    std::vector<std::string> origins_;  // lower-cased
    std::vector<Wildcard> wildcards_;   // lower-cased
    std::optional<std::regex> origin_regex_;
    std::vector<std::string> methods_;  // upper-cased
    bool all_headers_ = false;
    std::vector<std::string> headers_;  // lower-cased
    std::string exposed_;               // "X-A, X-B"
    bool credentials_ = false;
    std::int64_t max_age_ = 0;
    int status_ = 200;
};

}  // namespace rr::plugins
