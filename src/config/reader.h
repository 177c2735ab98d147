#pragma once
/// Typed reading of a config::Node with key-path errors: what every plugin uses to decode its
/// own section (plugins/<name>/config.cpp). docs/config.md §2 lists the conversion rules.
///
/// Tolerance follows upstream's decoding (viper + mapstructure with weakly typed input) where
/// upstream is tolerant, and stays strict where a value is plainly wrong:
///   - a string where a list is expected is split on commas ("a,b" → [a, b]); one value is a
///     one-element list;
///   - a list of one-key maps where a map is expected is merged into one map (the Symfony
///     bundle's `server.env: [{APP_RUNTIME: …}]`); an empty list is an empty map;
///   - numbers and booleans may be written as strings ("4", "true", "1");
///   - an integer may be written as a float with no fraction ("4.0");
///   - keys match case-insensitively;
///   - unknown keys are a warning naming the key path, not an error (upstream ignores them
///     silently).
/// A value of the wrong shape (a map for a string, "abc" for a number, "maybe" for a bool, a
/// negative duration, ...) throws ConfigError `<key.path>: expected <what>, got "<value>"`.
///
/// Thread safety: plain values; a MapReader is used by one thread during decoding.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/node.h"

namespace rr::config {

/// Non-fatal findings while decoding (unknown keys, ignored keys, ...), logged by the caller.
using Warnings = std::vector<std::string>;

/// Shared state while decoding one section.
struct DecodeContext {
    std::string base_dir;  ///< relative file paths in values resolve against this ("" = CWD)
    Warnings* warnings;    ///< never null while decoding

    void warn(std::string text) const { warnings->push_back(std::move(text)); }
    /// `p` resolved against base_dir when relative.
    std::filesystem::path resolve(const std::string& p) const;
};

[[noreturn]] void fail(const std::string& path, const std::string& reason);
[[noreturn]] void fail_expected(const std::string& path, std::string_view what, const Node& got);

std::string as_string(const Node& v, const std::string& path);
bool as_bool(const Node& v, const std::string& path);
/// Integer in [min, max]; the message names the range.
std::int64_t as_int(const Node& v, const std::string& path, std::int64_t min, std::int64_t max);
double as_double(const Node& v, const std::string& path);
/// Go duration syntax; a bare number is nanoseconds; negative durations are rejected.
Duration as_duration(const Node& v, const std::string& path);
/// A list of strings: a YAML sequence of scalars, or one string split on `separators`.
std::vector<std::string> as_string_list(const Node& v, const std::string& path,
                                        std::string_view separators = ",");
/// `host:port`, `tcp://host:port` or `unix://path`.
Endpoint as_endpoint(const Node& v, const std::string& path);
/// A worker command as upstream builds it: a list is used verbatim; a string is split on
/// commas first (`-o server.command=/usr/bin/php,worker.php`, as Laravel Octane passes it),
/// and a single resulting element is split on whitespace ("php worker.php"). Must not be empty.
std::vector<std::string> as_command(const Node& v, const std::string& path);
/// A map of strings (values may be written as numbers/bools; null values become "").
std::map<std::string, std::string> as_string_map(const Node& v, const std::string& path);
/// The same, keeping file order and the keys as written (header maps).
HeaderList as_header_list(const Node& v, const std::string& path);

/// Reads the keys of one map and remembers which were consumed, so that finish() can report
/// the rest as warnings. Keys match case-insensitively.
class MapReader {
public:
    /// `node` may be null (treated as an empty map) or a list of maps (merged); anything else
    /// is an error.
    MapReader(const Node& node, std::string path, const DecodeContext& ctx);
    MapReader(const MapReader&) = delete;
    MapReader& operator=(const MapReader&) = delete;

    const std::string& path() const noexcept { return path_; }
    const DecodeContext& context() const noexcept { return *ctx_; }
    std::string child(std::string_view key) const;

    /// The value under `key`, or nullptr when absent or null. Marks the key as consumed.
    const Node* take(std::string_view key);
    /// True if `key` is present with a non-null value (does not consume).
    bool has(std::string_view key) const;
    /// Marks `key` as accepted-and-ignored.
    void ignore(std::string_view key) { (void)take(key); }
    /// Marks `key` as accepted; if it is present, warns "<path>.<key>: <reason>".
    void ignore_with_warning(std::string_view key, std::string_view reason);

    // Each read leaves `out` unchanged (its default) when the key is absent or null, and
    // returns whether a value was present.
    bool read(std::string_view key, std::string& out);
    bool read(std::string_view key, bool& out);
    bool read(std::string_view key, Duration& out);
    /// Like read() but a zero duration keeps the default in `out` (upstream's InitDefaults
    /// treat 0 as "not set" for most timeouts).
    bool read_or_default(std::string_view key, Duration& out);
    bool read(std::string_view key, std::vector<std::string>& out);
    bool read(std::string_view key, std::map<std::string, std::string>& out);
    bool read(std::string_view key, HeaderList& out);

    template <class Int>
    bool read_int(std::string_view key, Int& out, std::int64_t min = 0,
                  std::int64_t max = static_cast<std::int64_t>(std::min<std::uint64_t>(
                      std::numeric_limits<Int>::max(), std::numeric_limits<std::int64_t>::max()))) {
        const Node* v = take(key);
        if (v == nullptr) {
            return false;
        }
        out = static_cast<Int>(as_int(*v, child(key), min, max));
        return true;
    }

    /// Every key that was not consumed becomes a warning "<path>.<key>: unknown key; ignored".
    void finish() const;

    /// The keys present in the map, in file order (for free-form maps such as channels).
    std::vector<std::string> keys() const;

private:
    const Node* node_;
    Node merged_;  // a list of maps given for a map: merged here; node_ points at it
    std::string path_;
    const DecodeContext* ctx_;
    std::vector<bool> consumed_;
};

}  // namespace rr::config
