#pragma once
// Internal to config/: typed reading of the document tree with key-path errors, and the
// per-section decoders. Nothing here is used outside src/config and tests/unit/config.
//
// Every function throws ConfigError on bad input; messages follow
// `<key.path>: expected <what>, got "<value>"` or `<key.path>: <reason>`.

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/tree.h"

namespace rr::config::detail {

/// Loads KEY=VALUE lines into the process environment; keeps variables already set.
void load_dotenv(const std::string& path);

[[noreturn]] void fail(const std::string& path, const std::string& reason);
[[noreturn]] void fail_expected(const std::string& path, std::string_view what, const Value& got);

std::string as_string(const Value& v, const std::string& path);
bool as_bool(const Value& v, const std::string& path);
/// Integer in [min, max]; the message names the range.
std::int64_t as_int(const Value& v, const std::string& path, std::int64_t min, std::int64_t max);
double as_double(const Value& v, const std::string& path);
/// Go duration syntax; a bare number is nanoseconds; negative durations are rejected.
Duration as_duration(const Value& v, const std::string& path);
/// A list of strings: a YAML sequence of scalars, or one string split on `separators`.
std::vector<std::string> as_string_list(const Value& v, const std::string& path,
                                        std::string_view separators = ",");
/// `host:port`, `tcp://host:port` or `unix://path`.
Endpoint as_endpoint(const Value& v, const std::string& path);

/// Reads the keys of one map and remembers which were consumed, so that finish() can reject
/// the rest. Keys match case-insensitively (upstream's viper lower-cases keys).
class MapReader {
public:
    /// `node` may be null (treated as an empty map); anything but a map is an error.
    MapReader(const Value& node, std::string path);

    const std::string& path() const noexcept { return path_; }
    std::string child(std::string_view key) const;

    /// The value under `key`, or nullptr when absent or null. Marks the key as consumed.
    const Value* take(std::string_view key);
    /// True if `key` is present with a non-null value (does not consume).
    bool has(std::string_view key) const;
    /// Marks `key` as accepted-and-ignored.
    void ignore(std::string_view key) { (void)take(key); }

    // Each read_* leaves `out` unchanged (its default) when the key is absent or null,
    // and returns whether a value was present.
    bool read(std::string_view key, std::string& out);
    bool read(std::string_view key, bool& out);
    bool read(std::string_view key, Duration& out);
    bool read(std::string_view key, std::vector<std::string>& out);
    bool read(std::string_view key, std::map<std::string, std::string>& out);
    bool read(std::string_view key, HeaderList& out);

    template <class Int>
    bool read_int(std::string_view key, Int& out, std::int64_t min = 0,
                  std::int64_t max = static_cast<std::int64_t>(std::min<std::uint64_t>(
                      std::numeric_limits<Int>::max(), std::numeric_limits<std::int64_t>::max()))) {
        const Value* v = take(key);
        if (v == nullptr) {
            return false;
        }
        out = static_cast<Int>(as_int(*v, child(key), min, max));
        return true;
    }

    /// Every key that was not consumed: "<path>.<key>: unknown key".
    void finish() const;

    /// The keys present in the map, in file order (for free-form maps such as channels).
    std::vector<std::string> keys() const;

private:
    const Value& node_;
    std::string path_;
    std::vector<bool> consumed_;
};

/// Shared state while decoding sections.
struct DecodeContext {
    std::string base_dir;                ///< for existence checks of relative paths
    std::vector<std::string>* warnings;  ///< never null while decoding
};

ServerConfig decode_server(const Value& v, const std::string& path);
PoolConfig decode_pool(const Value& v, const std::string& path);
HttpConfig decode_http(const Value& v, const std::string& path, DecodeContext& ctx);
RpcConfig decode_rpc(const Value& v, const std::string& path);
StatusConfig decode_status(const Value& v, const std::string& path);
MetricsConfig decode_metrics(const Value& v, const std::string& path);
LogsConfig decode_logs(const Value& v, const std::string& path);
EndureConfig decode_endure(const Value& v, const std::string& path);
LogLevel parse_log_level(const Value& v, const std::string& path);

}  // namespace rr::config::detail
