// parse_duration and parse_endpoint (see config.h).

#include <charconv>
#include <cstdint>
#include <limits>

#include "config/config.h"

namespace rr::config {

namespace {

struct Unit {
    std::string_view name;
    std::int64_t nanos;
};

// Longest names first so "ms" is not read as "m" + "s".
constexpr Unit kUnits[] = {
    {"ns", 1},           {"us", 1000},      {"\xC2\xB5s", 1000},  // U+00B5 micro sign
    {"\xCE\xBCs", 1000},                                          // U+03BC Greek mu
    {"ms", 1000000},     {"s", 1000000000}, {"m", 60LL * 1000000000}, {"h", 3600LL * 1000000000},
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    bool negative = false;
    std::string_view s = text;
    if (s.front() == '-' || s.front() == '+') {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) {
        return std::nullopt;
    }
    // A bare integer is nanoseconds (a YAML number decoded into Go's time.Duration).
    bool all_digits = true;
    for (char c : s) {
        all_digits = all_digits && is_digit(c);
    }
    if (all_digits) {
        std::int64_t n = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc() || ptr != s.data() + s.size()) {
            return std::nullopt;
        }
        return Duration(negative ? -n : n);
    }

    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    std::int64_t total = 0;
    while (!s.empty()) {
        // number: digits [ "." digits ] (at least one digit overall)
        std::int64_t whole = 0;
        std::size_t i = 0;
        bool any = false;
        for (; i < s.size() && is_digit(s[i]); ++i) {
            any = true;
            if (whole > (kMax - (s[i] - '0')) / 10) {
                return std::nullopt;
            }
            whole = whole * 10 + (s[i] - '0');
        }
        long double fraction = 0;
        if (i < s.size() && s[i] == '.') {
            ++i;
            long double scale = 0.1L;
            for (; i < s.size() && is_digit(s[i]); ++i) {
                any = true;
                fraction += scale * (s[i] - '0');
                scale /= 10;
            }
        }
        if (!any) {
            return std::nullopt;
        }
        s.remove_prefix(i);
        const Unit* unit = nullptr;
        for (const Unit& u : kUnits) {
            if (s.substr(0, u.name.size()) == u.name) {
                // "m" must not swallow the "m" of "ms".
                if (u.name == "m" && s.substr(0, 2) == "ms") {
                    continue;
                }
                unit = &u;
                break;
            }
        }
        if (unit == nullptr) {
            return std::nullopt;  // missing or unknown unit
        }
        s.remove_prefix(unit->name.size());
        if (whole > kMax / unit->nanos) {
            return std::nullopt;
        }
        std::int64_t part = whole * unit->nanos;
        const auto frac_ns = static_cast<std::int64_t>(fraction * unit->nanos);
        if (part > kMax - frac_ns) {
            return std::nullopt;
        }
        part += frac_ns;
        if (total > kMax - part) {
            return std::nullopt;
        }
        total += part;
    }
    return Duration(negative ? -total : total);
}

std::optional<Endpoint> parse_endpoint(std::string_view text) {
    Endpoint e;
    e.text = std::string(text);
    if (text.substr(0, 7) == "unix://") {
        e.kind = Endpoint::Kind::kUnix;
        e.path = std::string(text.substr(7));
        if (e.path.empty()) {
            return std::nullopt;
        }
        return e;
    }
    std::string_view hp = text;
    if (hp.substr(0, 6) == "tcp://") {
        hp.remove_prefix(6);
    }
    const auto colon = hp.rfind(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view host = hp.substr(0, colon);
    const std::string_view port = hp.substr(colon + 1);
    if (!host.empty() && host.front() == '[') {
        if (host.size() < 2 || host.back() != ']') {
            return std::nullopt;
        }
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return std::nullopt;  // an IPv6 literal needs brackets
    }
    for (char c : host) {
        if (c == '/' || c == ' ' || c == '\t') {
            return std::nullopt;
        }
    }
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
        return std::nullopt;
    }
    e.kind = Endpoint::Kind::kTcp;
    e.host = std::string(host);
    e.port = static_cast<std::uint16_t>(value);
    return e;
}

}  // namespace rr::config
