#pragma once
// Quoted JSON string output with always-valid UTF-8, shared by the form/upload trees (Go
// encoding/json rules) and the JSON log encoder (zap rules). The protocol request encoder keeps
// its own pre-sized SIMD writer (protocol/http_json_encode.cpp) and shares only utf8.h.
//
// Thread safety: stateless, safe from any thread.

#include <cstddef>
#include <cstring>
#include <string_view>

#include "common/utf8.h"

namespace rr {

/// What to escape beyond `"`, `\` and bytes below 0x20 (always: \n \r \t \b \f or \u00XX).
struct JsonStringOptions {
    /// `<`, `>`, `&`, U+2028 and U+2029 as \u escapes (Go encoding/json's HTML-safe default).
    bool escape_html = false;
    /// DEL (0x7F) as \u007f (zap does this).
    bool escape_del = false;
    /// A byte that does not start a valid UTF-8 sequence becomes the six characters `\ufffd`
    /// (true, Go) or the raw U+FFFD bytes EF BF BD (false, zap).
    bool invalid_as_escape = true;
};

/// Go encoding/json (forms, uploads).
inline constexpr JsonStringOptions kGoJsonString{
    .escape_html = true, .escape_del = false, .invalid_as_escape = true};
/// zap's JSON encoder (logs).
inline constexpr JsonStringOptions kZapJsonString{
    .escape_html = false, .escape_del = true, .invalid_as_escape = false};

namespace json_string_detail {
/// Bytes that are copied as they are whatever the options: printable ASCII except `"`, `\`
/// and the HTML-sensitive `<`, `>`, `&` (the slow path decides those).
struct PlainTable {
    bool plain[256] = {};
    constexpr PlainTable() {
        for (int c = 0x20; c < 0x7F; ++c) {
            plain[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
        }
    }
};
inline constexpr PlainTable kPlain{};
}  // namespace json_string_detail

/// Appends `s` to `out` as a quoted JSON string. `Out` is any byte buffer with push_back(char),
/// append(const char* first, const char* last), size(), resize(n) and data(): std::string,
/// fmt/spdlog memory buffers.
template <class Out>
void append_json_string(Out& out, std::string_view s, const JsonStringOptions& options) {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    // Most strings (log keys, methods, paths, addresses) need no escape: one resize and one
    // copy instead of a call per piece (the JSON access log line spent ~4,600 instructions
    // per request here).
    std::size_t i = 0;
    while (i < n && json_string_detail::kPlain.plain[p[i]]) ++i;
    if (i == n) {
        const std::size_t at = out.size();
        out.resize(at + n + 2);
        char* d = out.data() + at;
        d[0] = '"';
        if (n != 0) std::memcpy(d + 1, s.data(), n);
        d[n + 1] = '"';
        return;
    }
    auto put = [&out](std::string_view text) {
        out.append(text.data(), text.data() + text.size());
    };
    auto put_u = [&out](unsigned code) {
        const char esc[6] = {'\\',
                             'u',
                             kHex[(code >> 12) & 0xF],
                             kHex[(code >> 8) & 0xF],
                             kHex[(code >> 4) & 0xF],
                             kHex[code & 0xF]};
        out.append(esc, esc + sizeof esc);
    };
    out.push_back('"');
    std::size_t run = 0;  // start of the pending bytes copied verbatim (i: the first to check)
    while (i < n) {
        const unsigned char c = p[i];
        if (c >= 0x80) {
            const std::size_t len = utf8_sequence_length(p + i, n - i);
            // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
            const bool separator =
                len == 3 && c == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] & 0xFE) == 0xA8;
            if (len != 0 && !(separator && options.escape_html)) {
                i += len;
                continue;
            }
            put(s.substr(run, i - run));
            if (len != 0) {
                put_u(p[i + 2] == 0xA8 ? 0x2028 : 0x2029);
                i += len;
            } else {
                put(options.invalid_as_escape ? std::string_view("\\ufffd")
                                              : std::string_view("\xEF\xBF\xBD"));
                ++i;
            }
            run = i;
            continue;
        }
        const bool plain = c >= 0x20 && c != '"' && c != '\\' &&
                           !(options.escape_del && c == 0x7F) &&
                           !(options.escape_html && (c == '<' || c == '>' || c == '&'));
        if (plain) {
            ++i;
            continue;
        }
        put(s.substr(run, i - run));
        switch (c) {
            case '"':
                put("\\\"");
                break;
            case '\\':
                put("\\\\");
                break;
            case '\n':
                put("\\n");
                break;
            case '\r':
                put("\\r");
                break;
            case '\t':
                put("\\t");
                break;
            case '\b':
                put("\\b");
                break;
            case '\f':
                put("\\f");
                break;
            default:
                put_u(c);
                break;
        }
        ++i;
        run = i;
    }
    put(s.substr(run, n - run));
    out.push_back('"');
}

}  // namespace rr
