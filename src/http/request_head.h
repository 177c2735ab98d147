#pragma once
// RequestHead: a request's method, target, version and header fields as every protocol session
// delivers them (HTTP/1.x from its parser, HTTP/2 from its pseudo-header and field callbacks).
// The framing fields say how the body is delimited; above the session only "is there a body
// and is its length known" matters.
//
// Thread safety: a plain value type.

#include <cstdint>
#include <string>
#include <string_view>

#include "http/fields.h"

namespace rr::http {

enum class BodyFraming {
    kNone,           ///< no body
    kContentLength,  ///< `content_length` bytes follow
    /// A body of unknown length: HTTP/1.1 `Transfer-Encoding: chunked`, or an HTTP/2 stream
    /// with DATA frames and no `content-length`.
    kChunked,
};

/// A parsed request line (or HTTP/2 pseudo-header set) + header fields.
struct RequestHead {
    std::string method;  ///< as sent (case-sensitive token)
    /// Request-target as sent (origin, absolute, authority or "*"); HTTP/2: `:path`.
    std::string target;
    int version_major = 1;  ///< 1 or 2
    int version_minor = 1;
    Fields fields;  ///< Go-canonical names ("X-Foo"); values without surrounding OWS

    BodyFraming framing = BodyFraming::kNone;
    std::uint64_t content_length = 0;  ///< valid when framing == kContentLength
    bool keep_alive = true;            ///< HTTP/1.x: from the version and Connection
    bool expect_continue = false;      ///< Expect: 100-continue (HTTP/1.1, HTTP/2)
    std::string host;                  ///< Host field value, HTTP/2 `:authority` ("" when absent)

    /// "HTTP/1.1", "HTTP/1.0", "HTTP/2.0" (Go's r.Proto).
    std::string protocol() const;
    /// True for HTTP/1.1 and later (interim responses, chunked streams, default keep-alive).
    bool is_http11() const noexcept {
        return version_major > 1 || (version_major == 1 && version_minor >= 1);
    }
};

/// A request-target Go would parse as a request URI (RFC 9112 §3.2; HTTP/2 `:path`): no
/// whitespace or CTL, valid `%` escapes in the path; origin form, absolute form, authority form
/// for CONNECT, "*" for OPTIONS.
bool valid_target(std::string_view method, std::string_view target) noexcept;
/// A Host (or `:authority`) value that cannot break the uri built from it: no whitespace, CTL or
/// any of / ? # \ " < > { } | ^ `.
bool valid_host(std::string_view host) noexcept;

}  // namespace rr::http
