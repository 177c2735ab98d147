// Typed conversions and MapReader (see reader.h).

#include "config/reader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace rr::config {

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

void fail_expected(const std::string& path, std::string_view what, const Node& got) {
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

std::string as_string(const Node& v, const std::string& path) {
    if (!v.is_scalar()) {
        fail_expected(path, "a string", v);
    }
    return v.scalar;
}

bool as_bool(const Node& v, const std::string& path) {
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

std::int64_t as_int(const Node& v, const std::string& path, std::int64_t min, std::int64_t max) {
    constexpr std::int64_t kLarge = std::numeric_limits<std::uint32_t>::max();
    const std::string kind = min >= 0 ? "a non-negative integer" : "an integer";
    if (!v.is_scalar()) {
        fail_expected(path, kind, v);
    }
    const std::string s(trim(v.scalar));
    const std::size_t digits_at = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    long long n = 0;
    bool range_error = false;
    if (s.size() > digits_at &&
        std::all_of(s.begin() + static_cast<std::ptrdiff_t>(digits_at), s.end(),
                    [](unsigned char c) { return std::isdigit(c) != 0; })) {
        errno = 0;
        n = std::strtoll(s.c_str(), nullptr, 10);
        range_error = errno == ERANGE;
    } else {
        // A float with no fraction ("4.0", "1e3") is an integer, as upstream decodes a YAML
        // float into an int field; "4.5" is plainly wrong.
        errno = 0;
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (s.empty() || errno != 0 || end == nullptr || *end != '\0' || d != std::floor(d) ||
            std::isnan(d)) {
            fail_expected(path, kind, v);
        }
        range_error = d < -9.2e18 || d > 9.2e18;
        n = range_error ? 0 : static_cast<long long>(d);
    }
    if (range_error || n < min || n > max) {
        if (max >= kLarge) {
            fail_expected(path, min <= 0 ? kind : "an integer of at least " + std::to_string(min),
                          v);
        }
        fail_expected(
            path, "an integer between " + std::to_string(min) + " and " + std::to_string(max), v);
    }
    return n;
}

double as_double(const Node& v, const std::string& path) {
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

Duration as_duration(const Node& v, const std::string& path) {
    if (v.is_scalar()) {
        if (auto d = parse_duration(trim(v.scalar)); d && d->count() >= 0) {
            return *d;
        }
    }
    fail_expected(path, "a duration such as \"60s\", \"1m30s\" or \"300ms\"", v);
}

std::vector<std::string> as_string_list(const Node& v, const std::string& path,
                                        std::string_view separators) {
    std::vector<std::string> out;
    if (v.is_seq()) {
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            const Node& item = v.items[i];
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

Endpoint as_endpoint(const Node& v, const std::string& path) {
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

std::vector<std::string> as_command(const Node& v, const std::string& path) {
    std::vector<std::string> argv = as_string_list(v, path);
    if (v.is_scalar() && argv.size() == 1) {
        argv = as_string_list(Node::make_scalar(argv.front(), true), path, " \t\r\n");
    }
    if (argv.empty() || argv.front().empty()) {
        fail(path, "must not be empty");
    }
    return argv;
}

namespace {

/// A map, a list of maps (merged in order, later keys win) or an empty list (an empty map);
/// anything else fails with `what`.
Node as_map_node(const Node& v, const std::string& path, std::string_view what) {
    if (v.is_map() || v.is_null()) {
        return v.is_map() ? v : Node::make_map();
    }
    if (v.is_seq()) {
        Node merged = Node::make_map();
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            const Node& item = v.items[i];
            if (!item.is_map()) {
                fail_expected(path + "[" + std::to_string(i) + "]", what, item);
            }
            for (const auto& [k, value] : item.entries) {
                merged.at_or_insert(k) = value;
            }
        }
        return merged;
    }
    fail_expected(path, what, v);
}

}  // namespace

std::map<std::string, std::string> as_string_map(const Node& v, const std::string& path) {
    std::map<std::string, std::string> out;
    for (const auto& [k, item] : as_map_node(v, path, "a map of strings").entries) {
        out[k] = item.is_null() ? std::string() : as_string(item, path + "." + k);
    }
    return out;
}

HeaderList as_header_list(const Node& v, const std::string& path) {
    HeaderList out;
    for (const auto& [k, item] : as_map_node(v, path, "a map of header names to values").entries) {
        out.emplace_back(k, item.is_null() ? std::string() : as_string(item, path + "." + k));
    }
    return out;
}

std::filesystem::path DecodeContext::resolve(const std::string& p) const {
    std::filesystem::path path(p);
    if (path.is_relative() && !base_dir.empty()) {
        path = std::filesystem::path(base_dir) / path;
    }
    return path;
}

MapReader::MapReader(const Node& node, std::string path, const DecodeContext& ctx)
    : node_(&node), path_(std::move(path)), ctx_(&ctx) {
    if (node.is_seq()) {
        merged_ = as_map_node(node, path_, "a map");
        node_ = &merged_;
    } else if (!node.is_null() && !node.is_map()) {
        fail_expected(path_, "a map", node);
    }
    consumed_.assign(node_->entries.size(), false);
}

std::string MapReader::child(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const Node* MapReader::take(std::string_view key) {
    const std::string want = lower(key);
    const Node* found = nullptr;
    for (std::size_t i = 0; i < node_->entries.size(); ++i) {
        if (lower(node_->entries[i].first) == want) {
            consumed_[i] = true;
            found = &node_->entries[i].second;  // the last spelling wins
        }
    }
    return (found == nullptr || found->is_null()) ? nullptr : found;
}

bool MapReader::has(std::string_view key) const {
    const std::string want = lower(key);
    for (const auto& [k, v] : node_->entries) {
        if (lower(k) == want && !v.is_null()) {
            return true;
        }
    }
    return false;
}

bool MapReader::read(std::string_view key, std::string& out) {
    const Node* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_string(*v, child(key));
    return true;
}

bool MapReader::read(std::string_view key, bool& out) {
    const Node* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_bool(*v, child(key));
    return true;
}

bool MapReader::read(std::string_view key, Duration& out) {
    const Node* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_duration(*v, child(key));
    return true;
}

bool MapReader::read(std::string_view key, std::vector<std::string>& out) {
    const Node* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_string_list(*v, child(key));
    return true;
}

bool MapReader::read(std::string_view key, std::map<std::string, std::string>& out) {
    const Node* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_string_map(*v, child(key));
    return true;
}

bool MapReader::read(std::string_view key, HeaderList& out) {
    const Node* v = take(key);
    if (v == nullptr) {
        return false;
    }
    out = as_header_list(*v, child(key));
    return true;
}

bool MapReader::read_or_default(std::string_view key, Duration& out) {
    const Duration def = out;
    if (!read(key, out)) {
        return false;
    }
    if (out.count() == 0) {
        out = def;
    }
    return true;
}

void MapReader::ignore_with_warning(std::string_view key, std::string_view reason) {
    if (has(key)) {
        ctx_->warn(child(key) + ": " + std::string(reason));
    }
    ignore(key);
}

void MapReader::finish() const {
    for (std::size_t i = 0; i < consumed_.size(); ++i) {
        if (!consumed_[i]) {
            ctx_->warn(child(node_->entries[i].first) + ": unknown key; ignored");
        }
    }
}

std::vector<std::string> MapReader::keys() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : node_->entries) {
        out.push_back(k);
    }
    return out;
}

}  // namespace rr::config
