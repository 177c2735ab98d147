// JSON encoders: the request context (PROTOCOL.md §4.2) and, for tests and fake workers, the
// response context (§4.6).
//
// The document is produced by one traversal instantiated twice: first with a counter to get
// the exact size, then with a pointer writer into output grown once. String escaping scans
// sixteen bytes at a time and stops only at bytes that need attention.

#include <fmt/format.h>

#include <algorithm>

#include "common/utf8.h"
#include "protocol/http_payload.h"
#include "protocol/payload_util.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rr::protocol {
namespace {

/// Length of the prefix of p[0..n) that needs no escaping: no byte < 0x20, '"', '\\' or
/// >= 0x80. Sixteen bytes per step with SSE2 (x86-64 baseline); the last partial block is
/// copied into a space-padded buffer so nothing past the end is read.
inline std::size_t plain_prefix(const unsigned char* p, std::size_t n) noexcept {
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    auto mask_of = [&](__m128i v) {
        // Signed compare: bytes >= 0x80 are negative, so `< 0x20` also catches them.
        const __m128i bad =
            _mm_or_si128(_mm_cmplt_epi8(v, space),
                         _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        return static_cast<unsigned>(_mm_movemask_epi8(bad));
    };
    for (; i + 16 <= n; i += 16) {
        const unsigned m = mask_of(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
        if (m != 0) return i + static_cast<std::size_t>(__builtin_ctz(m));
    }
    if (i < n) {
        alignas(16) unsigned char tail[16];
        std::memset(tail, ' ', sizeof tail);
        std::memcpy(tail, p + i, n - i);
        const unsigned m = mask_of(_mm_load_si128(reinterpret_cast<const __m128i*>(tail)));
        return m != 0 ? i + static_cast<std::size_t>(__builtin_ctz(m)) : n;
    }
    return n;
#else
    for (; i < n; ++i) {
        const unsigned char c = p[i];
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return i;
    }
    return n;
#endif
}

constexpr char kHex[] = "0123456789abcdef";

/// Escapes `s` (no quotes). kWrite = false only counts. Returns the escaped size.
template <bool kWrite>
std::size_t escape(char* dst, std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t out = 0;
    std::size_t run = 0;  // start of pending bytes copied verbatim
    std::size_t i = 0;
    auto flush = [&](std::size_t upto) {
        if constexpr (kWrite) {
            if (upto != run) std::memcpy(dst + out, p + run, upto - run);
        }
        out += upto - run;
    };
    auto put = [&](const char* text, std::size_t len) {
        if constexpr (kWrite) std::memcpy(dst + out, text, len);
        out += len;
    };
    while (i < n) {
        i += plain_prefix(p + i, n - i);
        if (i >= n) break;
        const unsigned char c = p[i];
        if (c >= 0x80) {
            const std::size_t len = rr::utf8_sequence_length(p + i, n - i);
            if (len != 0) {
                i += len;
                continue;
            }
        }
        flush(i);
        switch (c) {
            case '"':
                put("\\\"", 2);
                break;
            case '\\':
                put("\\\\", 2);
                break;
            case '\n':
                put("\\n", 2);
                break;
            case '\r':
                put("\\r", 2);
                break;
            case '\t':
                put("\\t", 2);
                break;
            case '\b':
                put("\\b", 2);
                break;
            case '\f':
                put("\\f", 2);
                break;
            default:
                if (c < 0x20) {
                    const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
                    put(esc, 6);
                } else {
                    put("\\ufffd", 6);  // ill-formed UTF-8 byte
                }
        }
        ++i;
        run = i;
    }
    flush(n);
    return out;
}

struct Counter {
    std::size_t size = 0;
    bool all_plain = true;  ///< no string needed escaping (the normal case)
    void raw(std::string_view s) noexcept { size += s.size(); }
    void ch(char) noexcept { ++size; }
    void str(std::string_view s) noexcept {
        const std::size_t escaped = escape<false>(nullptr, s);
        all_plain = all_plain && escaped == s.size();
        size += 2 + escaped;
    }
};

struct Writer {
    char* p;
    bool all_plain;  ///< from the Counter pass: strings can be copied without a second scan
    void raw(std::string_view s) noexcept {
        if (s.empty()) return;
        std::memcpy(p, s.data(), s.size());
        p += s.size();
    }
    void ch(char c) noexcept { *p++ = c; }
    void str(std::string_view s) noexcept {
        *p++ = '"';
        if (all_plain) {
            if (!s.empty()) std::memcpy(p, s.data(), s.size());
            p += s.size();
        } else {
            p += escape<true>(p, s);
        }
        *p++ = '"';
    }
};

/// `{"name":[values...],...}`; as_string_if_single: a name with one value gets a plain string.
template <class W>
void emit_grouped(W& w, std::span<const HttpField> fields, const detail::FieldGroups& groups,
                  bool as_string_if_single) {
    w.ch('{');
    bool first_group = true;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!groups.is_first(i)) continue;
        if (!first_group) w.ch(',');
        first_group = false;
        w.str(fields[i].name);
        w.ch(':');
        if (as_string_if_single && groups.next(i) == detail::FieldGroups::kEnd) {
            w.str(fields[i].value);
            continue;
        }
        w.ch('[');
        for (std::uint32_t j = static_cast<std::uint32_t>(i); j != detail::FieldGroups::kEnd;
             j = groups.next(j)) {
            if (j != i) w.ch(',');
            w.str(fields[j].value);
        }
        w.ch(']');
    }
    w.ch('}');
}

template <class W>
void emit_request(W& w, const HttpRequestContext& ctx, const detail::FieldGroups& headers,
                  const detail::FieldGroups& attributes) {
    w.raw("{\"remoteAddr\":");
    w.str(ctx.remote_addr);
    w.raw(",\"protocol\":");
    w.str(ctx.protocol);
    w.raw(",\"method\":");
    w.str(ctx.method);
    w.raw(",\"uri\":");
    w.str(ctx.uri);
    w.raw(",\"headers\":");
    emit_grouped(w, ctx.headers, headers, false);
    w.raw(",\"cookies\":{");
    for (std::size_t i = 0; i < ctx.cookies.size(); ++i) {
        if (i != 0) w.ch(',');
        w.str(ctx.cookies[i].name);
        w.ch(':');
        w.str(ctx.cookies[i].value);
    }
    w.ch('}');
    w.raw(",\"rawQuery\":");
    w.str(ctx.raw_query);
    w.raw(ctx.parsed ? ",\"parsed\":true" : ",\"parsed\":false");
    w.raw(",\"uploads\":");
    w.raw(ctx.uploads_json.empty() ? std::string_view("null") : ctx.uploads_json);
    w.raw(",\"attributes\":");
    emit_grouped(w, ctx.attributes, attributes, true);
    w.ch('}');
}

}  // namespace

void encode_request_json(const HttpRequestContext& ctx, std::string& out) {
    const detail::FieldGroups headers(ctx.headers);
    const detail::FieldGroups attributes(ctx.attributes);
    Counter counter;
    emit_request(counter, ctx, headers, attributes);
    const std::size_t start = out.size();
    out.resize(start + counter.size);
    Writer writer{out.data() + start, counter.all_plain};
    emit_request(writer, ctx, headers, attributes);
}

void encode_response_json(std::int64_t status, std::span<const HttpField> headers,
                          std::string& out) {
    const detail::FieldGroups groups(headers);
    auto emit = [&](auto& w) {
        w.raw("{\"status\":");
        char digits[24];
        const auto end = fmt::format_to(digits, "{}", status);
        w.raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
        w.raw(",\"headers\":");
        emit_grouped(w, headers, groups, false);
        w.ch('}');
    };
    Counter counter;
    emit(counter);
    const std::size_t start = out.size();
    out.resize(start + counter.size);
    Writer writer{out.data() + start, counter.all_plain};
    emit(writer);
}

}  // namespace rr::protocol
