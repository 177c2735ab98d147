// Typed scalar conversions and MapReader (see internal.h).

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "config/internal.h"

namespace rr::config::detail {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return {};
    }
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

void fail(const std::string& path, const std::string& reason) {
    throw ConfigError(path, reason);
}

void fail_expected(const std::string& path, std::string_view what, const Value& got) {
    std::string reason = "expected ";
    reason += what;
    reason += ", got ";
    if (got.is_scalar()) {
        reason += "\"" + got.scalar + "\"";
    } else {
        reason += got.describe();
    }
    throw ConfigError(path, std::move(reason));
}

std::string as_string(const Value& v, const std::string& path) {
    if (!v.is_scalar()) {
        fail_expected(path, "a string", v);
    }
    return v.scalar;
}

bool as_bool(const Value& v, const std::string& path) {
    if (v.is_scalar()) {
        // The spellings Go's strconv.ParseBool accepts (upstream decodes weakly).
        const std::string& s = v.scalar;
        if (s == "true" || s == "True" || s == "TRUE" || s == "t" || s == "T" || s == "1") {
            return true;
        }
        if (s == "false" || s == "False" || s == "FALSE" || s == "f" || s == "F" || s == "0") {
            return false;
        }
    }
    fail_expected(path, "a boolean (true or false)", v);
}

std::int64_t as_int(const Value& v, const std::string& path, std::int64_t min, std::int64_t max) {
    constexpr std::int64_t kLarge = std::numeric_limits<std::uint32_t>::max();
    const std::string kind = min >= 0 ? "a non-negative integer" : "an integer";
    if (!v.is_scalar()) {
        fail_expected(path, kind, v);
    }
    const std::string s(trim(v.scalar));
    const std::size_t digits_at = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (s.size() == digits_at ||
        !std::all_of(s.begin() + static_cast<std::ptrdiff_t>(digits_at), s.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; })) {
        fail_expected(path, kind, v);
    }
    errno = 0;
    char* end = nullptr;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    if (errno == ERANGE || n < min || n > max) {
        if (max >= kLarge) {
            fail_expected(path, min <= 0 ? kind : "an integer of at least " + std::to_string(min),
                          v);
        }
        fail_expected(
            path, "an integer between " + std::to_string(min) + " and " + std::to_string(max), v);
    }
    return n;
}

double as_double(const Value& v, const std::string& path) {
    if (v.is_scalar()) {
        const std::string s(trim(v.scalar));
        errno = 0;
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && errno == 0 && end != nullptr && *end == '\0') {
            return d;
        }
    }
    fail_expected(path, "a number", v);
}

Duration as_duration(const Value& v, const std::string& path) {
    if (v.is_scalar()) {
        if (auto d = parse_duration(trim(v.scalar)); d && d->count() >= 0) {
            return *d;
        }
    }
    fail_expected(path, "a duration such as \"60s\", \"1m30s\" or \"300ms\"", v);
}

std::vector<std::string> as_string_list(const Value& v, const std::string& path,
                                        std::string_view separators) {
    std::vector<std::string> out;
    if (v.is_seq()) {
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            const Value& item = v.items[i];
            if (!item.is_scalar()) {
                fail_expected(path + "[" + std::to_string(i) + "]", "a string", item);
            }
            out.push_back(item.scalar);
        }
        return out;
    }
    if (!v.is_scalar()) {
        fail_expected(path, "a list of strings", v);
    }
    // One string: split like upstream's weak decoding ("a,b" → [a, b]).
    std::string_view s = v.scalar;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto pos = s.find_first_of(separators, start);
        const std::string_view part =
            trim(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
        if (!part.empty()) {
            out.emplace_back(part);
        }
        if (pos == std::string_view::npos) {
            break;
        }
        start = pos + 1;
    }
    return out;
}

Endpoint as_endpoint(const Value& v, const std::string& path) {
    if (v.is_scalar()) {
        if (auto e = parse_endpoint(trim(v.scalar))) {
            return *e;
        }
    }
    fail_expected(path,
                  "an address such as \"127.0.0.1:8080\", \"tcp://host:port\" or "
                  "\"unix:///path.sock\"",
                  v);
}

MapReader::MapReader(const Value& node, std::string path) : node_(node), path_(std::move(path)) {
    if (!node_.is_null() && !node_.is_map()) {
        fail_expected(path_, "a map", node_);
    }
    consumed_.assign(node_.entries.size(), false);
}

std::string MapReader::child(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const Value* MapReader::take(std::string_view key) {
    const std::string want = lower(key);
    const Value* found = nullptr;
    for (std::size_t i = 0; i < node_.entries.size(); ++i) {
        if (lower(node_.entries[i].first) == want) {
            consumed_[i] = true;
            found = &node_.entries[i].second;  // the last spelling wins
        }
    }
    return (found == nullptr || found->is_null()) ? nullptr : found;
}

bool MapReader::has(std::string_view key) const {
    const std::string want = lower(key);
    for (const auto& [k, v] : node_.entries) {
        if (lower(k) == want && !v.is_null()) {
            return true;
        }
    }
    return false;
}

bool MapReader::read(std::string_view key, std::string& out) {
    const Value* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_string(*v, child(key));
    return true;
}

bool MapReader::read(std::string_view key, bool& out) {
    const Value* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_bool(*v, child(key));
    return true;
}

bool MapReader::read(std::string_view key, Duration& out) {
    const Value* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_duration(*v, child(key));
    return true;
}

bool MapReader::read(std::string_view key, std::vector<std::string>& out) {
    const Value* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_string_list(*v, child(key));
    return true;
}

bool MapReader::read(std::string_view key, std::map<std::string, std::string>& out) {
    const Value* v = take(key);
    if (v == nullptr) {
        return false;
    }
    const std::string p = child(key);
    if (!v->is_map()) {
        fail_expected(p, "a map of strings", *v);
    }
    out.clear();
    for (const auto& [k, item] : v->entries) {
        out[k] = item.is_null() ? std::string() : as_string(item, p + "." + k);
    }
    return true;
}

bool MapReader::read(std::string_view key, HeaderList& out) {
    const Value* v = take(key);
    if (v == nullptr) {
        return false;
    }
    const std::string p = child(key);
    if (!v->is_map()) {
        fail_expected(p, "a map of header names to values", *v);
    }
    out.clear();
    for (const auto& [k, item] : v->entries) {
        out.emplace_back(k, item.is_null() ? std::string() : as_string(item, p + "." + k));
    }
    return true;
}

void MapReader::finish() const {
    for (std::size_t i = 0; i < consumed_.size(); ++i) {
        if (!consumed_[i]) {
            fail(child(node_.entries[i].first), "unknown key");
        }
    }
}

std::vector<std::string> MapReader::keys() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : node_.entries) {
        out.push_back(k);
    }
    return out;
}

}  // namespace rr::config::detail
