#pragma once
// HTTP payload codecs (docs/protocol.md §3; ../shared/spec/PROTOCOL.md §4.1–4.3, §4.6).
//
// The HTTP layer fills a protocol-neutral HttpRequestContext per request and calls one encoder;
// the worker's answer context goes through one decoder. Both codecs are supported:
//   JSON     — RoadRunner 2.x–2023.3 (frame flag CODEC_JSON, 0x08),
//   protobuf — `http.v1.Request` / `http.v1.Response`, RoadRunner 2024.1+ (CODEC_PROTO, 0x80).
//
// Pure functions, no I/O. Encoders append to a caller-owned string, which they grow once, so a
// caller that reuses the string per connection allocates nothing in steady state. Decoders
// return views into the context bytes they were given (plus a side buffer for unescaped JSON
// strings), so a decoded head is valid only while that input is alive.
// Thread safety: stateless, safe from any thread.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace rr::protocol {

/// The request context codec of a worker pool.
enum class HttpCodec : std::uint8_t { kJson, kProto };

/// The frame flag that goes with a codec (flag::kCodecJson or flag::kCodecProto).
std::uint8_t codec_flag(HttpCodec codec) noexcept;

/// One name/value pair. The bytes belong to the caller.
struct HttpField {
    std::string_view name;
    std::string_view value;
};

/// Everything the worker learns about a request besides its body (PROTOCOL.md §4.2, §4.5).
/// All views and spans are borrowed from the caller for the duration of one encode call.
struct HttpRequestContext {
    std::string_view remote_addr;  ///< client IP without port, IPv6 without brackets
    std::string_view protocol;     ///< "HTTP/1.1", "HTTP/1.0", "HTTP/2.0"
    std::string_view method;
    std::string_view uri;        ///< absolute: scheme://host/path?query
    std::string_view raw_query;  ///< without '?'
    /// Request headers in arrival order: canonical names, no Host. Repeated names need not be
    /// adjacent: the encoders emit all values of a name, in order, at its first occurrence.
    std::span<const HttpField> headers;
    /// Parsed, unescaped cookies. Duplicated names are sent as given; both PHP decoders keep
    /// the last one, which is Go's rule too.
    std::span<const HttpField> cookies;
    bool parsed = false;  ///< the body holds the JSON data tree of a parsed form
    /// JSON text of the uploads tree (PROTOCOL.md §4.4), inserted verbatim; empty = no uploads.
    std::string_view uploads_json;
    /// Attributes set by server middleware, name → values, grouped like headers.
    std::span<const HttpField> attributes;
};

/// Appends the JSON request context (keys in upstream order: remoteAddr, protocol, method, uri,
/// headers, cookies, rawQuery, parsed, uploads, attributes). Strings are escaped per RFC 8259;
/// invalid UTF-8 bytes become \ufffd so that PHP's json_decode() accepts the document.
/// `uploads` is uploads_json verbatim or null. An attribute with one value is a JSON string,
/// one with several values an array of strings (RoadRunner 2023 sent attribute values as-is).
void encode_request_json(const HttpRequestContext& ctx, std::string& out);

/// Appends the protobuf `http.v1.Request` encoding (fields 1..10, proto3: empty strings, false
/// and empty maps are omitted; map entries always carry key and value). Every string field is
/// made valid UTF-8 (each invalid byte becomes U+FFFD) because PHP's string-typed DTOs reject
/// anything else; `uploads` (bytes) is copied as is.
void encode_request_proto(const HttpRequestContext& ctx, std::string& out);

/// Appends the context in `codec`; returns the number of bytes appended (the frame's option).
std::size_t encode_request(HttpCodec codec, const HttpRequestContext& ctx, std::string& out);

/// The worker's response head: status and headers.
/// Move-only: `headers` may point into `storage` (unescaped JSON strings).
struct HttpResponseHead {
    /// False when the context was empty: the frame carries body bytes only (PROTOCOL.md §4.6).
    bool present = false;
    /// As sent; 0 when absent. Range checks (100..599) are the HTTP layer's job.
    std::int64_t status = 0;
    /// One entry per header value, in the worker's order; the values of one name are adjacent.
    /// Names and values are not validated (the HTTP layer must refuse CR/LF/NUL).
    std::vector<HttpField> headers;

    std::unique_ptr<char[]> storage;  ///< backing bytes for unescaped JSON strings
};

/// Decodes a JSON response context `{"status":N,"headers":{"Name":["v",...],...}}`.
/// Empty input → present = false. Keys match case-insensitively (as Go's encoding/json);
/// unknown keys are skipped; `null` headers or value lists mean none.
/// Errors: kHttpBadWorkerResponse for malformed JSON, a non-integer status, or header values
/// that are not arrays of strings.
Result<HttpResponseHead> decode_response_json(std::string_view context);

/// Decodes a protobuf `http.v1.Response` (status = 1 varint int64, headers = 2 map entries).
/// Empty input → present = false. Unknown fields are skipped by wire type.
/// Errors: kHttpBadWorkerResponse for truncated or malformed wire data.
Result<HttpResponseHead> decode_response_proto(std::string_view context);

/// Same two decoders writing into `out`, reusing its vector's capacity.
Result<void> decode_response_json(std::string_view context, HttpResponseHead& out);
Result<void> decode_response_proto(std::string_view context, HttpResponseHead& out);

/// Decodes with `codec`.
Result<HttpResponseHead> decode_response(HttpCodec codec, std::string_view context);
/// The same into `out`, reusing its vector's capacity.
Result<void> decode_response(HttpCodec codec, std::string_view context, HttpResponseHead& out);

/// Append a response context as a worker sends it — for tests and fake workers; the server
/// itself never encodes responses. Headers are grouped by name like request headers. JSON:
/// `{"status":N,"headers":{...}}` (`{}` without headers, as PHP). Protobuf: `http.v1.Response`,
/// proto3 (status 0 and empty maps omitted), strings repaired to valid UTF-8.
void encode_response_json(std::int64_t status, std::span<const HttpField> headers,
                          std::string& out);
void encode_response_proto(std::int64_t status, std::span<const HttpField> headers,
                           std::string& out);

}  // namespace rr::protocol
