// Decoders of the app's own sections: `logs` and `endure`.

#include <algorithm>
#include <cctype>

#include "config/internal.h"

namespace rr::config::detail {

namespace {

const Node kNullNode{};  // stands in for a key written without a value

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

LogMode parse_log_mode(const Node& v, const std::string& path) {
    const std::string s = lower(as_string(v, path));
    if (s == "development") {
        return LogMode::kDevelopment;
    }
    if (s == "production") {
        return LogMode::kProduction;
    }
    if (s == "raw") {
        return LogMode::kRaw;
    }
    if (s == "off" || s == "none") {
        return LogMode::kOff;
    }
    fail_expected(path, "one of development, production, raw, off, none", v);
}

LogEncoding parse_log_encoding(const Node& v, const std::string& path) {
    const std::string s = lower(as_string(v, path));
    if (s == "console") {
        return LogEncoding::kConsole;
    }
    if (s == "json") {
        return LogEncoding::kJson;
    }
    fail_expected(path, "\"console\" or \"json\"", v);
}

FileLoggerOptions decode_file_logger(const Node& v, const std::string& path,
                                     const DecodeContext& ctx) {
    FileLoggerOptions cfg;
    MapReader r(v, path, ctx);
    r.read("log_output", cfg.log_output);
    // Zero means "default", as upstream's InitDefaults.
    std::uint32_t n = 0;
    if (r.read_int("max_size", n) && n != 0) {
        cfg.max_size_mb = n;
    }
    n = 0;
    if (r.read_int("max_age", n) && n != 0) {
        cfg.max_age_days = n;
    }
    n = 0;
    if (r.read_int("max_backups", n) && n != 0) {
        cfg.max_backups = n;
    }
    r.read("compress", cfg.compress);
    r.finish();
    return cfg;
}

/// Reads the logger keys of `r` over `out` (keys not present keep out's values).
void read_log_settings(MapReader& r, LogSettings& out) {
    if (const Node* v = r.take("mode")) {
        out.mode = parse_log_mode(*v, r.child("mode"));
    }
    if (const Node* v = r.take("level")) {
        out.level = parse_log_level(*v, r.child("level"));
    }
    if (const Node* v = r.take("encoding")) {
        out.encoding = parse_log_encoding(*v, r.child("encoding"));
    }
    if (r.read("line_ending", out.line_ending) && out.line_ending.empty()) {
        out.line_ending = "\n";
    }
    r.read("output", out.output);
    r.read("err_output", out.err_output);
    if (const Node* v = r.take("file_logger_options")) {
        out.file_logger_options =
            decode_file_logger(*v, r.child("file_logger_options"), r.context());
    }
    // RoadRunner v6's slog keys: stored, not served.
    for (std::string_view key : {"format", "time_format", "skip_line_ending"}) {
        if (r.has(key)) {
            r.context().warn(r.child(key) +
                             ": a RoadRunner v6 logger key, not served by this build; ignored");
        }
    }
    r.read("format", out.format);
    r.read("time_format", out.time_format);
    r.read("skip_line_ending", out.skip_line_ending);
}

}  // namespace

LogLevel parse_log_level(const Node& v, const std::string& path) {
    const std::string s = lower(as_string(v, path));
    if (s == "debug") {
        return LogLevel::kDebug;
    }
    if (s == "info") {
        return LogLevel::kInfo;
    }
    if (s == "warn" || s == "warning") {
        return LogLevel::kWarn;
    }
    if (s == "error") {
        return LogLevel::kError;
    }
    if (s == "panic" || s == "dpanic" || s == "fatal") {
        return LogLevel::kPanic;
    }
    fail_expected(path, "one of debug, info, warn, error, panic", v);
}

LogsConfig decode_logs(const Node& v, const std::string& path, const DecodeContext& ctx) {
    LogsConfig cfg;
    MapReader r(v, path, ctx);
    read_log_settings(r, cfg);
    if (const Node* ch = r.take("channels")) {
        MapReader cr(*ch, r.child("channels"), ctx);
        for (const auto& name : cr.keys()) {
            const Node* one = cr.take(name);
            LogSettings settings = static_cast<const LogSettings&>(cfg);  // inherit the root
            MapReader one_reader(one == nullptr ? kNullNode : *one, cr.child(name), ctx);
            read_log_settings(one_reader, settings);
            one_reader.finish();
            cfg.channels[name] = std::move(settings);
        }
    }
    r.finish();
    return cfg;
}

EndureConfig decode_endure(const Node& v, const std::string& path, const DecodeContext& ctx) {
    EndureConfig cfg;
    MapReader r(v, path, ctx);
    Duration grace{0};
    if (r.read("grace_period", grace) && grace.count() != 0) {
        cfg.grace_period = grace;
    }
    if (const Node* l = r.take("log_level")) {
        cfg.log_level = parse_log_level(*l, r.child("log_level"));
    }
    if (r.read("print_graph", cfg.print_graph) && cfg.print_graph) {
        ctx.warn(r.child("print_graph") +
                 ": not served by this build (rr -d has no graph); the start order is logged at "
                 "debug level by the container");
    }
    r.read_int("watchdog_sec", cfg.watchdog_sec);
    r.finish();
    return cfg;
}

}  // namespace rr::config::detail
