#include "plugins/static/conditional.h"

#include <array>
#include <cstring>
#include <ctime>

namespace rr::plugins {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// Digits only, no sign, at most 18 of them (fits int64 with room).
std::optional<std::uint64_t> parse_digits(std::string_view s) {
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

// ---------------------------------------------------------------------------------------------
// Dates

constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<const char*, 7> kLongDays = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                  "Friday", "Saturday", "Sunday"};

int month_index(std::string_view m) {
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (m == kMonths[i]) return static_cast<int>(i);
    }
    return -1;
}

template <std::size_t N>
bool is_one_of(std::string_view s, const std::array<const char*, N>& names) {
    for (const char* n : names) {
        if (s == n) return true;
    }
    return false;
}

std::optional<int> fixed_number(std::string_view s, std::size_t digits) {
    if (s.size() != digits) return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

/// "08:49:37"
bool parse_clock(std::string_view s, std::tm& tm) {
    if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
    auto h = fixed_number(s.substr(0, 2), 2);
    auto m = fixed_number(s.substr(3, 2), 2);
    auto sec = fixed_number(s.substr(6, 2), 2);
    if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return false;
    tm.tm_hour = *h;
    tm.tm_min = *m;
    tm.tm_sec = *sec;
    return true;
}

std::optional<std::int64_t> to_unix(std::tm& tm) {
    if (tm.tm_mday < 1 || tm.tm_mday > 31) return std::nullopt;
    const time_t t = ::timegm(&tm);
    if (t == static_cast<time_t>(-1)) return std::nullopt;
    return static_cast<std::int64_t>(t);
}

/// Splits on spaces (runs of spaces count as one) into exactly N tokens.
template <std::size_t N>
bool split_tokens(std::string_view s, std::array<std::string_view, N>& out) {
    std::size_t n = 0;
    while (true) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        if (s.empty()) break;
        if (n == N) return false;
        const auto sp = s.find(' ');
        out[n++] = s.substr(0, sp);
        if (sp == std::string_view::npos) break;
        s.remove_prefix(sp);
    }
    return n == N;
}

/// "1..31", one or two digits.
std::optional<int> day_number(std::string_view s) {
    if (s.size() == 1) return fixed_number(s, 1);
    return fixed_number(s, 2);
}

// ---------------------------------------------------------------------------------------------
// ETags (RFC 9110 §8.8.3), as Go's scanETag / etagStrongMatch / etagWeakMatch

/// The first entity-tag at the start of `s` (after OWS) and what follows it; "" when `s` does
/// not start with one.
std::string_view scan_etag(std::string_view s, std::string_view& rest) {
    s = trim(s);
    std::size_t start = s.substr(0, 2) == "W/" ? 2 : 0;
    rest = {};
    if (s.size() - start < 2 || s[start] != '"') return {};
    for (std::size_t i = start + 1; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"') {
            rest = s.substr(i + 1);
            return s.substr(0, i + 1);
        }
        if (!(c == 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80)) return {};
    }
    return {};
}

bool strong_match(std::string_view a, std::string_view b) {
    return a == b && !a.empty() && a.front() == '"';
}

bool weak_match(std::string_view a, std::string_view b) {
    if (a.substr(0, 2) == "W/") a.remove_prefix(2);
    if (b.substr(0, 2) == "W/") b.remove_prefix(2);
    return a == b;
}

enum class Cond { kNone, kTrue, kFalse };

/// If-Match: any listed tag matching strongly (or "*") → true.
Cond check_if_match(std::string_view im, std::string_view etag) {
    if (im.empty()) return Cond::kNone;
    while (true) {
        im = trim(im);
        if (im.empty()) break;
        if (im.front() == ',') {
            im.remove_prefix(1);
            continue;
        }
        if (im.front() == '*') return Cond::kTrue;
        std::string_view rest;
        const std::string_view tag = scan_etag(im, rest);
        if (tag.empty()) break;
        if (strong_match(tag, etag)) return Cond::kTrue;
        im = rest;
    }
    return Cond::kFalse;
}

/// If-None-Match: any listed tag matching weakly (or "*") → false.
Cond check_if_none_match(std::string_view inm, std::string_view etag) {
    if (inm.empty()) return Cond::kNone;
    while (true) {
        inm = trim(inm);
        if (inm.empty()) break;
        if (inm.front() == ',') {
            inm.remove_prefix(1);
            continue;
        }
        if (inm.front() == '*') return Cond::kFalse;
        std::string_view rest;
        const std::string_view tag = scan_etag(inm, rest);
        if (tag.empty()) break;
        if (weak_match(tag, etag)) return Cond::kFalse;
        inm = rest;
    }
    return Cond::kTrue;
}

bool is_get_or_head(std::string_view method) {
    return method == "GET" || method == "HEAD";
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view text) {
    std::tm tm{};
    const auto comma = text.find(',');
    if (comma == 3 && is_one_of(text.substr(0, 3), kDays)) {
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        std::array<std::string_view, 5> f;
        if (!split_tokens(text.substr(4), f)) return std::nullopt;
        const auto day = fixed_number(f[0], 2);
        const int month = month_index(f[1]);
        const auto year = fixed_number(f[2], 4);
        if (!day || month < 0 || !year || f[4] != "GMT" || !parse_clock(f[3], tm)) {
            return std::nullopt;
        }
        tm.tm_mday = *day;
        tm.tm_mon = month;
        tm.tm_year = *year - 1900;
        return to_unix(tm);
    }
    if (comma != std::string_view::npos && is_one_of(text.substr(0, comma), kLongDays)) {
        // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit years: 69..99 → 19xx)
        std::array<std::string_view, 3> f;
        if (!split_tokens(text.substr(comma + 1), f)) return std::nullopt;
        const std::string_view date = f[0];
        if (date.size() != 9 || date[2] != '-' || date[6] != '-') return std::nullopt;
        const auto day = fixed_number(date.substr(0, 2), 2);
        const int month = month_index(date.substr(3, 3));
        const auto yy = fixed_number(date.substr(7, 2), 2);
        if (!day || month < 0 || !yy || f[2] != "GMT" || !parse_clock(f[1], tm)) {
            return std::nullopt;
        }
        tm.tm_mday = *day;
        tm.tm_mon = month;
        tm.tm_year = *yy >= 69 ? *yy : *yy + 100;
        return to_unix(tm);
    }
    if (comma == std::string_view::npos && is_one_of(text.substr(0, 3), kDays)) {
        // asctime: "Sun Nov  6 08:49:37 1994"
        std::array<std::string_view, 5> f;
        if (!split_tokens(text, f)) return std::nullopt;
        const int month = month_index(f[1]);
        const auto day = day_number(f[2]);
        const auto year = fixed_number(f[4], 4);
        if (month < 0 || !day || !year || !parse_clock(f[3], tm)) return std::nullopt;
        tm.tm_mday = *day;
        tm.tm_mon = month;
        tm.tm_year = *year - 1900;
        return to_unix(tm);
    }
    return std::nullopt;
}

namespace {

RangeStatus parse_range_list(std::string_view header, std::uint64_t size,
                             std::vector<ByteRange>& out) {
    out.clear();
    constexpr std::string_view kPrefix = "bytes=";
    if (header.substr(0, kPrefix.size()) != kPrefix) return RangeStatus::kInvalid;
    std::string_view rest = header.substr(kPrefix.size());
    bool no_overlap = false;
    while (true) {
        const auto comma = rest.find(',');
        const std::string_view spec = trim(rest.substr(0, comma));
        if (!spec.empty()) {
            const auto dash = spec.find('-');
            if (dash == std::string_view::npos) return RangeStatus::kInvalid;
            const std::string_view first = trim(spec.substr(0, dash));
            const std::string_view last = trim(spec.substr(dash + 1));
            if (first.empty()) {
                // Suffix range: the last N bytes.
                const auto n = parse_digits(last);
                if (!n) return RangeStatus::kInvalid;
                if (*n == 0 || size == 0) {
                    no_overlap = true;  // "-0" selects nothing (RFC 9110 §14.1.1)
                } else {
                    const std::uint64_t len = *n > size ? size : *n;
                    out.push_back({size - len, len});
                }
            } else {
                const auto start = parse_digits(first);
                if (!start) return RangeStatus::kInvalid;
                if (*start >= size) {
                    no_overlap = true;
                } else if (last.empty()) {
                    out.push_back({*start, size - *start});
                } else {
                    auto end = parse_digits(last);
                    if (!end || *start > *end) return RangeStatus::kInvalid;
                    if (*end >= size) end = size - 1;
                    out.push_back({*start, *end - *start + 1});
                }
            }
            if (out.size() > kMaxRanges) {
                out.clear();
                return RangeStatus::kOk;  // caller sees no ranges: whole body
            }
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (out.empty()) return no_overlap ? RangeStatus::kNoOverlap : RangeStatus::kOk;
    // Go's serveContent: ranges that add up to more than the body (overlaps) → whole body.
    std::uint64_t sum = 0;
    for (const auto& r : out) sum += r.length;
    if (sum > size) out.clear();
    return RangeStatus::kOk;
}

}  // namespace

RangeStatus parse_range(std::string_view header, std::uint64_t size, std::vector<ByteRange>& out) {
    const RangeStatus status = parse_range_list(header, size, out);
    if (status != RangeStatus::kOk) out.clear();
    return status;
}

ConditionalResult evaluate_conditions(const ConditionalRequest& r, const Validators& v) {
    ConditionalResult result;
    // 1. If-Match, or else If-Unmodified-Since.
    Cond ch = check_if_match(r.if_match, v.etag);
    if (ch == Cond::kNone && !r.if_unmodified_since.empty() && v.mtime != 0) {
        if (const auto t = parse_http_date(r.if_unmodified_since)) {
            ch = v.mtime <= *t ? Cond::kTrue : Cond::kFalse;
        }
    }
    if (ch == Cond::kFalse) {
        result.outcome = Precondition::kPreconditionFailed;
        return result;
    }
    // 2. If-None-Match, or else If-Modified-Since.
    const Cond inm = check_if_none_match(r.if_none_match, v.etag);
    if (inm == Cond::kFalse) {
        result.outcome = is_get_or_head(r.method) ? Precondition::kNotModified
                                                  : Precondition::kPreconditionFailed;
        return result;
    }
    if (inm == Cond::kNone && is_get_or_head(r.method) && !r.if_modified_since.empty() &&
        v.mtime != 0) {
        if (const auto t = parse_http_date(r.if_modified_since); t && v.mtime <= *t) {
            result.outcome = Precondition::kNotModified;
            return result;
        }
    }
    // 3. Range, unless If-Range does not match.
    result.use_range = !r.range.empty();
    if (result.use_range && is_get_or_head(r.method) && !r.if_range.empty()) {
        std::string_view rest;
        const std::string_view tag = scan_etag(r.if_range, rest);
        if (!tag.empty()) {
            result.use_range = strong_match(tag, v.etag);
        } else {
            const auto t = parse_http_date(r.if_range);
            result.use_range = v.mtime != 0 && t && *t == v.mtime;
        }
    }
    return result;
}

}  // namespace rr::plugins
