#pragma once
// Constants and small parsers shared by the h1::Session<Stream> definitions
// (h1/session_impl.h, h1/session_response_impl.h). Included by those only.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "http/fields.h"

namespace rr::http::h1 {

namespace session_detail {

inline constexpr std::size_t kInitialBuffer = 4096;
inline constexpr std::size_t kMinRead = 2048;
inline constexpr std::uint64_t kMaxLingerBytes = 4 * 1024 * 1024;
inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
inline std::optional<std::uint64_t> parse_length(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

/// The first value of `name` (ASCII case-insensitive) in Fields or a span of HttpField.
template <class Headers>
std::optional<std::string_view> find_value(const Headers& headers, std::string_view name) {
    for (const auto& f : headers) {
        if (iequals(f.name, name)) return std::string_view(f.value);
    }
    return std::nullopt;
}

inline bool has_token(std::string_view list, std::string_view token) {
    while (true) {
        auto comma = list.find(',');
        auto item = list.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (iequals(item, token)) return true;
        if (comma == std::string_view::npos) return false;
        list.remove_prefix(comma + 1);
    }
}

}  // namespace session_detail

using namespace session_detail;  // NOLINT(google-build-using-namespace)

}  // namespace rr::http::h1
