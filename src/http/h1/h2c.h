#pragma once
// What the HTTP/1.1 session needs to hand a connection over to HTTP/2 (docs/http.md, "HTTP/2"):
// the prior-knowledge preface and the `Upgrade: h2c` pieces. Pure; unit-tested.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rr::http::h1 {

/// The HTTP/2 client connection preface (RFC 9113 §3.4).
inline constexpr std::string_view kH2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
inline constexpr std::string_view kSwitchingToH2c =
    "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";

/// base64url (RFC 4648 §5, padding optional), as HTTP2-Settings carries it. nullopt if bad.
inline std::optional<std::string> base64url_decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-' || c == '+') return 62;
        if (c == '_' || c == '/') return 63;
        return -1;
    };
    while (!in.empty() && in.back() == '=') in.remove_suffix(1);
    std::string out;
    out.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const int v = value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    if (bits >= 6) return std::nullopt;  // a lone trailing character
    return out;
}

}  // namespace rr::http::h1
