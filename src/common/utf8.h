#pragma once
// UTF-8 validation primitive shared by the JSON writers (forms, logging) and the payload codecs
// (protocol). Inline: the protocol encoders call it on the request hot path.
//
// Thread safety: stateless, safe from any thread.

#include <cstddef>
#include <string_view>

namespace rr {

/// Length (1..4) of the well-formed UTF-8 sequence at p[0..avail), or 0 if it is ill-formed
/// (RFC 3629, as Go's utf8.DecodeRune: no overlongs, no surrogates, nothing above U+10FFFF,
/// no truncated sequence). Requires avail >= 1.
inline std::size_t utf8_sequence_length(const unsigned char* p, std::size_t avail) noexcept {
    const unsigned char c = p[0];
    if (c < 0x80) return 1;
    auto cont = [&](std::size_t i) { return i < avail && (p[i] & 0xC0u) == 0x80u; };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || !cont(2)) return 0;
        const unsigned char c1 = p[1];
        if (c == 0xE0) return (c1 >= 0xA0 && c1 <= 0xBF) ? 3 : 0;
        if (c == 0xED) return (c1 >= 0x80 && c1 <= 0x9F) ? 3 : 0;
        return cont(1) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || !cont(2) || !cont(3)) return 0;
        const unsigned char c1 = p[1];
        if (c == 0xF0) return (c1 >= 0x90 && c1 <= 0xBF) ? 4 : 0;
        if (c == 0xF4) return (c1 >= 0x80 && c1 <= 0x8F) ? 4 : 0;
        return cont(1) ? 4 : 0;
    }
    return 0;
}

/// The same for the sequence at s[0]; 0 when `s` is empty.
inline std::size_t utf8_sequence_length(std::string_view s) noexcept {
    return s.empty()
               ? 0
               : utf8_sequence_length(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

}  // namespace rr
