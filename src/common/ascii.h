#pragma once
// ASCII case helpers for protocol tokens (header names, codings, config keys). Locale-free:
// only A–Z and a–z are folded, as HTTP and YAML keys need.
//
// Thread safety: pure functions.

#include <string>
#include <string_view>

namespace rr::ascii {

constexpr char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    }
    return true;
}

inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = to_lower(c);
    return out;
}

}  // namespace rr::ascii
