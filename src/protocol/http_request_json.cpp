// JSON request context encoder (PROTOCOL.md §4.2).

#include "protocol/http_payload.h"
#include "protocol/payload_util.h"

namespace rr::protocol {
namespace {

// Per byte: 0 = copy, 1 = needs attention (control, quote, backslash, >= 0x80).
constexpr std::array<std::uint8_t, 256> make_special_table() noexcept {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        t[c] = (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) ? 1 : 0;
    }
    return t;
}
constexpr std::array<std::uint8_t, 256> kSpecial = make_special_table();

constexpr char kHex[] = "0123456789abcdef";

/// Appends `s` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t run = 0;
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (kSpecial[c] == 0) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            const std::size_t len = detail::utf8_sequence_length(p + i, n - i);
            if (len != 0) {
                i += len;
                continue;
            }
        }
        out.append(s.data() + run, i - run);
        switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            case '\b': out.append("\\b"); break;
            case '\f': out.append("\\f"); break;
            default:
                if (c < 0x20) {
                    const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
                    out.append(esc, 6);
                } else {
                    out.append("\\ufffd");  // ill-formed UTF-8 byte
                }
        }
        ++i;
        run = i;
    }
    out.append(s.data() + run, n - run);
    out.push_back('"');
}

void append_key(std::string& out, std::string_view literal_key) {
    // literal_key is a compile-time `"name":` fragment (no escaping needed).
    out.append(literal_key);
}

/// Writes `{"name":[values...],...}` (as_string_if_single: one value → plain string).
void append_grouped(std::string& out, std::span<const HttpField> fields,
                    bool as_string_if_single) {
    out.push_back('{');
    const detail::FieldGroups groups(fields);
    bool first_group = true;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!groups.is_first(i)) continue;
        if (!first_group) out.push_back(',');
        first_group = false;
        append_json_string(out, fields[i].name);
        out.push_back(':');
        const bool single = groups.next(i) == detail::FieldGroups::kEnd;
        if (as_string_if_single && single) {
            append_json_string(out, fields[i].value);
            continue;
        }
        out.push_back('[');
        for (std::uint32_t j = static_cast<std::uint32_t>(i); j != detail::FieldGroups::kEnd;
             j = groups.next(j)) {
            if (j != i) out.push_back(',');
            append_json_string(out, fields[j].value);
        }
        out.push_back(']');
    }
    out.push_back('}');
}

std::size_t fields_size(std::span<const HttpField> fields) noexcept {
    std::size_t n = 0;
    for (const auto& f : fields) n += f.name.size() + f.value.size() + 8;
    return n;
}

}  // namespace

void encode_request_json(const HttpRequestContext& ctx, std::string& out) {
    // One reservation: every byte once plus the fixed keys; only escapes can exceed it.
    const std::size_t estimate = 160 + ctx.remote_addr.size() + ctx.protocol.size() +
                                 ctx.method.size() + ctx.uri.size() + ctx.raw_query.size() +
                                 ctx.uploads_json.size() + fields_size(ctx.headers) +
                                 fields_size(ctx.cookies) + fields_size(ctx.attributes);
    out.reserve(out.size() + estimate);

    append_key(out, "{\"remoteAddr\":");
    append_json_string(out, ctx.remote_addr);
    append_key(out, ",\"protocol\":");
    append_json_string(out, ctx.protocol);
    append_key(out, ",\"method\":");
    append_json_string(out, ctx.method);
    append_key(out, ",\"uri\":");
    append_json_string(out, ctx.uri);
    append_key(out, ",\"headers\":");
    append_grouped(out, ctx.headers, false);
    append_key(out, ",\"cookies\":{");
    for (std::size_t i = 0; i < ctx.cookies.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_json_string(out, ctx.cookies[i].name);
        out.push_back(':');
        append_json_string(out, ctx.cookies[i].value);
    }
    out.push_back('}');
    append_key(out, ",\"rawQuery\":");
    append_json_string(out, ctx.raw_query);
    append_key(out, ctx.parsed ? ",\"parsed\":true" : ",\"parsed\":false");
    append_key(out, ",\"uploads\":");
    if (ctx.uploads_json.empty()) {
        out.append("null");
    } else {
        out.append(ctx.uploads_json);
    }
    append_key(out, ",\"attributes\":");
    append_grouped(out, ctx.attributes, true);
    out.push_back('}');
}

}  // namespace rr::protocol
