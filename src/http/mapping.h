#pragma once
// Pure helpers that turn a parsed request into the fields RoadRunner hands to PHP
// (PROTOCOL.md §4.5, BEHAVIOUR.md §3.1, §3.5). Shared by the JSON and protobuf codecs: the
// codecs take a MappedRequest and only encode it.
//
// Thread safety: stateless functions.

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cidr.h"
#include "common/result.h"
#include "http/request_head.h"

namespace rr::http {

/// Go's textproto.CanonicalMIMEHeaderKey: first letter and letters after '-' upper-cased, the
/// rest lower-cased ("x-foo-bar" → "X-Foo-Bar"). A name holding any byte that is not a token
/// character (space, ':', non-ASCII, ...) is returned unchanged, as Go does.
std::string canonical_header_key(std::string_view name);
/// The same, in place (the parser canonicalises every field name it accepts, as Go does).
void canonicalize_header_key(std::string& name) noexcept;

/// url.QueryUnescape: "%XX" → byte, '+' → space. nullopt for a bad escape.
std::optional<std::string> query_unescape(std::string_view s);

/// Cookies of every `Cookie` header value, Go's readCookies rules: ';'-separated pairs, names
/// must be tokens, values may be double-quoted and must be valid cookie-value bytes; then each
/// value is URL-unescaped (RoadRunner) and a cookie whose value fails to unescape is dropped.
/// Duplicate names: the last value wins (at the first name's position).
std::vector<Field> parse_cookies(const std::vector<std::string_view>& headers);

/// The peer IP as Go prints it without the port: IPv4 dotted, IPv6 without brackets, an
/// IPv4-mapped IPv6 address as IPv4.
std::string ip_to_string(const boost::asio::ip::address& ip);
/// What Go reports as the remote address of a unix-socket connection (its RemoteAddr is "@",
/// which RoadRunner passes on as remoteAddr).
inline constexpr std::string_view kUnixPeerText = "@";
/// IPv4-mapped IPv6 → IPv4; other addresses unchanged (common/cidr.h).
using rr::unmap;

/// The query of a request-target: everything after the first '?', CR/LF removed ("" if none).
std::string raw_query(std::string_view target);
/// The same into `out` (replacing its content, reusing its capacity).
void raw_query(std::string_view target, std::string& out);

/// The absolute URI PHP sees: an absolute-form target is kept; otherwise scheme + "://" +
/// host + target. CR and LF are removed.
std::string build_uri(std::string_view scheme, std::string_view host, std::string_view target);
/// The same into `out` (replacing its content, reusing its capacity).
void build_uri(std::string_view scheme, std::string_view host, std::string_view target,
               std::string& out);

/// Default order of the headers that carry the client IP (BEHAVIOUR.md §1.2 trusted_headers).
std::vector<std::string> default_trusted_headers();

/// The client IP a trusted proxy reports, from the first of `trusted_headers` (in order) that
/// yields a valid IP: Forwarded (first `for=`, quotes, brackets and port removed),
/// X-Forwarded-For (left-most entry), others (whole value, trimmed). nullopt if none.
/// The caller checks that the peer is trusted first.
std::optional<std::string> forwarded_client_ip(const Fields& fields,
                                               const std::vector<std::string>& trusted_headers);

/// True when the first value of X-Forwarded-Proto is "https" (case-insensitive).
bool forwarded_https(const Fields& fields);

struct MappingOptions {
    bool tls = false;                       ///< RR terminated TLS → https scheme
    std::vector<rr::Cidr> trusted_subnets;  ///< empty = proxy_ip_parser disabled
    std::vector<std::string> trusted_headers = default_trusted_headers();
};

/// A header field borrowed from a RequestHead.
struct FieldView {
    std::string_view name;
    std::string_view value;
};

/// The request as RoadRunner hands it to PHP, independent of the codec; shaped to fill
/// protocol::HttpRequestContext without copying headers. The views (method, headers) borrow
/// from the RequestHead and are valid while it lives.
struct MappedRequest {
    std::string remote_addr;  ///< IP without port (client IP if the peer is a trusted proxy)
    std::string protocol;     ///< "HTTP/1.1"
    std::string_view method;
    std::string uri;  ///< absolute
    std::string raw_query;
    /// One entry per value, arrival order, Go-canonical names; no Host or Transfer-Encoding.
    std::vector<FieldView> headers;
    /// URL-unescaped cookies, one per name (last value wins), first-seen order.
    std::vector<Field> cookies;
    /// Set by middleware (e.g. otel); repeated names = several values. Empty here.
    std::vector<Field> attributes;
};

MappedRequest map_request(const RequestHead& head, const boost::asio::ip::address& peer,
                          const MappingOptions& options);
/// The same into `out`, reusing the capacity of its strings and vectors (a connection that
/// keeps one MappedRequest allocates nothing here for a steady keep-alive request).
void map_request(const RequestHead& head, const boost::asio::ip::address& peer,
                 const MappingOptions& options, MappedRequest& out);
/// The same with the peer already formatted: `peer_text` must equal ip_to_string(peer), or be
/// kUnixPeerText for a unix-socket peer (never matched against the trusted subnets). The
/// connection formats its peer once instead of once per request (inet_ntop is not free).
/// `tls`: this request came over TLS (the uri scheme is https whatever options.tls says).
void map_request(const RequestHead& head, const boost::asio::ip::address& peer,
                 std::string_view peer_text, const MappingOptions& options, MappedRequest& out,
                 bool tls = false);

}  // namespace rr::http
