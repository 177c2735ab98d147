// Protobuf encoders for `http.v1.Request` (PROTOCOL.md §4.3) and, for tests and fake workers,
// `http.v1.Response`, written by hand: sizes are computed first, then the output is grown once
// and filled through a pointer.
//
//   message Request { string remote_addr = 1; string protocol = 2; string method = 3;
//                     string uri = 4; map<string, HeaderValue> header = 5;
//                     map<string, HeaderValue> cookies = 6; string raw_query = 7;
//                     bool parsed = 8; bytes uploads = 9; map<string, HeaderValue> attributes = 10;
//                     }
//   message HeaderValue { repeated string value = 1; }
//   map entry = message { string key = 1; HeaderValue value = 2; }

#include "protocol/http_payload.h"
#include "protocol/payload_util.h"

namespace rr::protocol {
namespace {

using detail::FieldGroups;
using detail::put_varint;
using detail::varint_size;

constexpr char kTagRemoteAddr = 0x0A;
constexpr char kTagProtocol = 0x12;
constexpr char kTagMethod = 0x1A;
constexpr char kTagUri = 0x22;
constexpr char kTagHeader = 0x2A;
constexpr char kTagCookies = 0x32;
constexpr char kTagRawQuery = 0x3A;
constexpr char kTagParsed = 0x40;
constexpr char kTagUploads = 0x4A;
constexpr char kTagAttributes = 0x52;
constexpr char kTagEntryKey = 0x0A;
constexpr char kTagEntryValue = 0x12;
constexpr char kTagHeaderValue = 0x0A;

/// String sizes after UTF-8 repair. `valid` short-cuts the check once the first pass found
/// every string well-formed (the normal case).
struct Sizer {
    bool all_valid = true;

    std::size_t string(std::string_view s) noexcept {
        if (all_valid) {
            return s.size();
        }
        return detail::sanitized_utf8_size(s);
    }
};

/// Wire size of a length-delimited field whose content is `len` bytes (tag is one byte).
std::size_t delimited(std::size_t len) noexcept {
    return 1 + varint_size(len) + len;
}

char* put_string(char* p, char tag, std::string_view s, std::size_t wire_len, bool raw) noexcept {
    *p++ = tag;
    p = put_varint(p, wire_len);
    if (raw || wire_len == s.size()) {
        // Same size means no replacement happened: the bytes are already valid.
        // (An empty view may have a null data(): memcpy must not see it, even for 0 bytes.)
        if (!s.empty()) std::memcpy(p, s.data(), s.size());
        return p + s.size();
    }
    return detail::write_sanitized_utf8(p, s);
}

/// Size of the HeaderValue message holding the values of the group starting at i.
std::size_t header_value_size(std::span<const HttpField> fields, const FieldGroups& groups,
                              std::size_t i, Sizer& sizer) noexcept {
    std::size_t size = 0;
    for (std::uint32_t j = static_cast<std::uint32_t>(i); j != FieldGroups::kEnd;
         j = groups.next(j)) {
        size += delimited(sizer.string(fields[j].value));
    }
    return size;
}

/// Size of one map entry (without its own tag and length) for the group starting at i.
std::size_t entry_size(std::span<const HttpField> fields, const FieldGroups& groups, std::size_t i,
                       Sizer& sizer, std::size_t* value_size) noexcept {
    const std::size_t hv = header_value_size(fields, groups, i, sizer);
    if (value_size != nullptr) *value_size = hv;
    return delimited(sizer.string(fields[i].name)) + delimited(hv);
}

std::size_t map_size(std::span<const HttpField> fields, const FieldGroups& groups,
                     Sizer& sizer) noexcept {
    std::size_t size = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (groups.is_first(i)) size += delimited(entry_size(fields, groups, i, sizer, nullptr));
    }
    return size;
}

char* put_map(char* p, char tag, std::span<const HttpField> fields, const FieldGroups& groups,
              Sizer& sizer) noexcept {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!groups.is_first(i)) continue;
        std::size_t hv = 0;
        const std::size_t entry = entry_size(fields, groups, i, sizer, &hv);
        *p++ = tag;
        p = put_varint(p, entry);
        p = put_string(p, kTagEntryKey, fields[i].name, sizer.string(fields[i].name), false);
        *p++ = kTagEntryValue;
        p = put_varint(p, hv);
        for (std::uint32_t j = static_cast<std::uint32_t>(i); j != FieldGroups::kEnd;
             j = groups.next(j)) {
            p = put_string(p, kTagHeaderValue, fields[j].value, sizer.string(fields[j].value),
                           false);
        }
    }
    return p;
}

bool fields_valid(std::span<const HttpField> fields) noexcept {
    for (const auto& f : fields) {
        if (detail::sanitized_utf8_size(f.name) != f.name.size() ||
            detail::sanitized_utf8_size(f.value) != f.value.size()) {
            return false;
        }
    }
    return true;
}

}  // namespace

void encode_request_proto(const HttpRequestContext& ctx, std::string& out) {
    const FieldGroups headers(ctx.headers);
    const FieldGroups cookies(ctx.cookies, false);  // one entry per cookie, last wins
    const FieldGroups attributes(ctx.attributes);

    Sizer sizer;
    sizer.all_valid = detail::sanitized_utf8_size(ctx.remote_addr) == ctx.remote_addr.size() &&
                      detail::sanitized_utf8_size(ctx.protocol) == ctx.protocol.size() &&
                      detail::sanitized_utf8_size(ctx.method) == ctx.method.size() &&
                      detail::sanitized_utf8_size(ctx.uri) == ctx.uri.size() &&
                      detail::sanitized_utf8_size(ctx.raw_query) == ctx.raw_query.size() &&
                      fields_valid(ctx.headers) && fields_valid(ctx.cookies) &&
                      fields_valid(ctx.attributes);

    const std::size_t remote_len = sizer.string(ctx.remote_addr);
    const std::size_t protocol_len = sizer.string(ctx.protocol);
    const std::size_t method_len = sizer.string(ctx.method);
    const std::size_t uri_len = sizer.string(ctx.uri);
    const std::size_t query_len = sizer.string(ctx.raw_query);

    std::size_t total = 0;
    auto add_string = [&](std::size_t len) {
        if (len != 0) total += delimited(len);
    };
    add_string(remote_len);
    add_string(protocol_len);
    add_string(method_len);
    add_string(uri_len);
    total += map_size(ctx.headers, headers, sizer);
    total += map_size(ctx.cookies, cookies, sizer);
    add_string(query_len);
    if (ctx.parsed) total += 2;
    add_string(ctx.uploads_json.size());
    total += map_size(ctx.attributes, attributes, sizer);

    const std::size_t start = out.size();
    out.resize(start + total);
    char* p = out.data() + start;
    if (remote_len != 0) p = put_string(p, kTagRemoteAddr, ctx.remote_addr, remote_len, false);
    if (protocol_len != 0) p = put_string(p, kTagProtocol, ctx.protocol, protocol_len, false);
    if (method_len != 0) p = put_string(p, kTagMethod, ctx.method, method_len, false);
    if (uri_len != 0) p = put_string(p, kTagUri, ctx.uri, uri_len, false);
    p = put_map(p, kTagHeader, ctx.headers, headers, sizer);
    p = put_map(p, kTagCookies, ctx.cookies, cookies, sizer);
    if (query_len != 0) p = put_string(p, kTagRawQuery, ctx.raw_query, query_len, false);
    if (ctx.parsed) {
        *p++ = kTagParsed;
        *p++ = 0x01;
    }
    if (!ctx.uploads_json.empty()) {
        p = put_string(p, kTagUploads, ctx.uploads_json, ctx.uploads_json.size(), true);
    }
    p = put_map(p, kTagAttributes, ctx.attributes, attributes, sizer);
    (void)p;
}

void encode_response_proto(std::int64_t status, std::span<const HttpField> headers,
                           std::string& out) {
    constexpr char kTagStatus = 0x08;
    constexpr char kTagHeaders = 0x12;
    const FieldGroups groups(headers);
    Sizer sizer;
    sizer.all_valid = fields_valid(headers);
    const auto wire_status = static_cast<std::uint64_t>(status);  // int64: two's complement
    std::size_t total = map_size(headers, groups, sizer);
    if (status != 0) total += 1 + varint_size(wire_status);
    const std::size_t start = out.size();
    out.resize(start + total);
    char* p = out.data() + start;
    if (status != 0) {
        *p++ = kTagStatus;
        p = put_varint(p, wire_status);
    }
    put_map(p, kTagHeaders, headers, groups, sizer);
}

}  // namespace rr::protocol
