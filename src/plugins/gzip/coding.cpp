#include "plugins/gzip/coding.h"

#include <optional>

#include "common/ascii.h"

namespace rr::plugins {

namespace {

using ascii::iequals;

bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.size() > hay.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        if (iequals(hay.substr(i, needle.size()), needle)) return true;
    }
    return false;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// RFC 9110 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")], as thousandths; nullopt if not.
std::optional<int> parse_qvalue(std::string_view s) {
    if (s.empty() || (s[0] != '0' && s[0] != '1')) return std::nullopt;
    int v = (s[0] - '0') * 1000;
    if (s.size() == 1) return v;
    if (s[1] != '.' || s.size() > 5) return std::nullopt;
    int scale = 100;
    for (std::size_t i = 2; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        v += (s[i] - '0') * scale;
        scale /= 10;
    }
    if (v > 1000) return std::nullopt;
    return v;
}

}  // namespace

std::string_view coding_token(Coding c) noexcept {
    switch (c) {
        case Coding::kGzip:
            return "gzip";
        case Coding::kBrotli:
            return "br";
        case Coding::kZstd:
            return "zstd";
        case Coding::kIdentity:
            break;
    }
    return "identity";
}

Coding coding_from_token(std::string_view token) noexcept {
    if (iequals(token, "gzip") || iequals(token, "x-gzip")) return Coding::kGzip;
    if (iequals(token, "br")) return Coding::kBrotli;
    if (iequals(token, "zstd")) return Coding::kZstd;
    return Coding::kIdentity;
}

Coding negotiate_coding(std::string_view accept_encoding, std::span<const Coding> offered) {
    // q per offered coding (thousandths; -1 = not listed) and the "*" entry.
    constexpr std::size_t kMax = 8;
    int q[kMax];
    const std::size_t n = offered.size() < kMax ? offered.size() : kMax;
    for (std::size_t i = 0; i < n; ++i) q[i] = -1;
    int star = -1;
    std::string_view rest = accept_encoding;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        const auto semi = item.find(';');
        const std::string_view name = trim(item.substr(0, semi));
        if (name.empty()) continue;
        int value = 1000;
        std::string_view params =
            semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1);
        while (!params.empty()) {
            const auto next = params.find(';');
            const std::string_view param = trim(params.substr(0, next));
            params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
            const auto eq = param.find('=');
            if (eq != std::string_view::npos && iequals(trim(param.substr(0, eq)), "q")) {
                value = parse_qvalue(trim(param.substr(eq + 1))).value_or(0);
            }
        }
        if (name == "*") {
            star = value;
            continue;
        }
        const Coding c = coding_from_token(name);
        if (c == Coding::kIdentity) continue;
        for (std::size_t i = 0; i < n; ++i) {
            if (offered[i] == c) q[i] = value;
        }
    }
    Coding best = Coding::kIdentity;
    int best_q = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const int v = q[i] >= 0 ? q[i] : star;
        if (v > best_q) {
            best_q = v;
            best = offered[i];
        }
    }
    return best;
}

bool compressible_type(std::string_view content_type) noexcept {
    const std::string_view t = trim(content_type.substr(0, content_type.find(';')));
    if (t.empty()) return true;
    if (istarts_with(t, "image/")) {
        return iequals(t, "image/svg+xml") || iequals(t, "image/x-icon") ||
               iequals(t, "image/vnd.microsoft.icon") || iequals(t, "image/bmp");
    }
    if (istarts_with(t, "video/") || istarts_with(t, "audio/")) return false;
    if (iequals(t, "font/woff") || iequals(t, "font/woff2")) return false;
    if (iequals(t, "application/octet-stream") || iequals(t, "multipart/byteranges")) return false;
    for (std::string_view packed : {"zip", "compress", "zstd", "brotli"}) {
        if (icontains(t, packed)) return false;
    }
    return true;
}

}  // namespace rr::plugins
