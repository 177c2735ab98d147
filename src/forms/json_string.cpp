#include "forms/json_string.h"

#include <array>

namespace rr::forms {

namespace {

constexpr std::string_view kHex = "0123456789abcdef";

// True for bytes that cannot be copied verbatim into the output.
constexpr std::array<bool, 256> make_special_table() {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) {
        t[static_cast<std::size_t>(c)] = true;
    }
    for (int c = 0x80; c < 0x100; ++c) {
        t[static_cast<std::size_t>(c)] = true;
    }
    t['"'] = t['\\'] = t['<'] = t['>'] = t['&'] = true;
    return t;
}

constexpr std::array<bool, 256> kSpecial = make_special_table();

void append_u_escape(std::string& out, unsigned code) {
    out += "\\u";
    out += kHex[(code >> 12) & 0xF];
    out += kHex[(code >> 8) & 0xF];
    out += kHex[(code >> 4) & 0xF];
    out += kHex[code & 0xF];
}

bool is_continuation(unsigned char c) noexcept {
    return (c & 0xC0) == 0x80;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s) noexcept {
    if (s.empty()) {
        return 0;
    }
    const auto b0 = static_cast<unsigned char>(s[0]);
    if (b0 < 0x80) {
        return 1;
    }
    auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        return s.size() >= 2 && is_continuation(at(1)) ? 2 : 0;
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        if (s.size() < 3) {
            return 0;
        }
        const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
        const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
        return at(1) >= lo && at(1) <= hi && is_continuation(at(2)) ? 3 : 0;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        if (s.size() < 4) {
            return 0;
        }
        const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
        return at(1) >= lo && at(1) <= hi && is_continuation(at(2)) && is_continuation(at(3)) ? 4
                                                                                              : 0;
    }
    return 0;
}

void append_json_string(std::string& out, std::string_view s) {
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        // Copy the longest run of plain bytes in one go.
        std::size_t run = i;
        while (run < s.size() && !kSpecial[static_cast<unsigned char>(s[run])]) {
            ++run;
        }
        out.append(s.data() + i, run - i);
        i = run;
        if (i == s.size()) {
            break;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t len = utf8_sequence_length(s.substr(i));
            if (len == 0) {
                out += "\\ufffd";
                ++i;
                continue;
            }
            // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
            if (len == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
                append_u_escape(out,
                                static_cast<unsigned char>(s[i + 2]) == 0xA8 ? 0x2028 : 0x2029);
            } else {
                out.append(s.data() + i, len);
            }
            i += len;
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                append_u_escape(out, c);
                break;
        }
        ++i;
    }
    out += '"';
}

}  // namespace rr::forms
