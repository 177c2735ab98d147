#pragma once
// Internal helpers shared by the HTTP payload codecs: UTF-8 repair (on common/utf8.h), protobuf varints
// and grouping of repeated field names. Not part of the module's public API.
// Thread safety: stateless, safe from any thread.

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "common/utf8.h"
#include "protocol/http_payload.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rr::protocol::detail {

/// Index of the first byte >= 0x80 at or after `from`, or s.size(). Sixteen bytes per step
/// with SSE2 (x86-64 baseline), eight otherwise.
inline std::size_t find_non_ascii(std::string_view s, std::size_t from) noexcept {
    std::size_t i = from;
#if defined(__SSE2__)
    while (i + 16 <= s.size()) {
        const unsigned m = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i))));
        if (m != 0) return i + static_cast<std::size_t>(__builtin_ctz(m));
        i += 16;
    }
#endif
    while (i + 8 <= s.size()) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if ((w & 0x8080808080808080ull) != 0) break;
        i += 8;
    }
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
    return i;
}

inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

/// Size of `s` after replacing every byte of an ill-formed sequence by U+FFFD.
inline std::size_t sanitized_utf8_size(std::string_view s) noexcept {
    std::size_t size = s.size();
    std::size_t i = find_non_ascii(s, 0);
    while (i < s.size()) {
        const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
        const std::size_t n = rr::utf8_sequence_length(p, s.size() - i);
        if (n == 0) {
            size += kReplacementChar.size() - 1;
            ++i;
        } else {
            i += n;
        }
        i = find_non_ascii(s, i);
    }
    return size;
}

/// Writes the repaired form of `s` (sanitized_utf8_size(s) bytes) at dst; returns the end.
inline char* write_sanitized_utf8(char* dst, std::string_view s) noexcept {
    std::size_t run = 0;  // start of the pending run of good bytes
    std::size_t i = find_non_ascii(s, 0);
    while (i < s.size()) {
        const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
        const std::size_t n = rr::utf8_sequence_length(p, s.size() - i);
        if (n == 0) {
            std::memcpy(dst, s.data() + run, i - run);
            dst += i - run;
            std::memcpy(dst, kReplacementChar.data(), kReplacementChar.size());
            dst += kReplacementChar.size();
            ++i;
            run = i;
        } else {
            i += n;
        }
        i = find_non_ascii(s, i);
    }
    if (s.size() > run) {
        std::memcpy(dst, s.data() + run, s.size() - run);
        dst += s.size() - run;
    }
    return dst;
}

inline std::size_t varint_size(std::uint64_t v) noexcept {
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

inline char* put_varint(char* p, std::uint64_t v) noexcept {
    while (v >= 0x80) {
        *p++ = static_cast<char>((v & 0x7F) | 0x80);
        v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
}

/// Groups fields by name: for each index, `next(i)` is the next index with the same name (or
/// kEnd) and `is_first(i)` tells whether i is the first occurrence of its name. Small inputs use
/// a quadratic scan on a stack buffer; large ones (hostile header counts) a sort, so the cost
/// stays O(n log n).
class FieldGroups {
public:
    static constexpr std::uint32_t kEnd = 0x7FFFFFFFu;

    /// group = false: every field is its own group (cookies: one map entry each).
    explicit FieldGroups(std::span<const HttpField> fields, bool group = true);
    FieldGroups(const FieldGroups&) = delete;
    FieldGroups& operator=(const FieldGroups&) = delete;

    std::uint32_t next(std::size_t i) const noexcept { return next_[i] & ~kFirstBit; }
    bool is_first(std::size_t i) const noexcept { return (next_[i] & kFirstBit) != 0; }
    /// True when no name repeats (every field is its own group).
    bool all_unique() const noexcept { return all_unique_; }

private:
    static constexpr std::uint32_t kFirstBit = 0x80000000u;
    static constexpr std::size_t kSmall = 48;

    std::array<std::uint32_t, kSmall> small_;  // filled by the constructor for n <= kSmall
    std::vector<std::uint32_t> large_;
    std::uint32_t* next_ = nullptr;
    bool all_unique_ = true;
};

}  // namespace rr::protocol::detail
