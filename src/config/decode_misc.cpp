// Decoders for `rpc`, `status`, `metrics`, `logs` and `endure`.

#include <algorithm>
#include <cctype>

#include "config/internal.h"

namespace rr::config::detail {

namespace {

const Value kNullValue{};  // stands in for a key written without a value

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// A listener that must carry its scheme: `tcp://host:port` or `unix://path`.
Endpoint read_dsn(const Value& v, const std::string& path) {
    if (v.is_scalar() && (v.scalar.rfind("tcp://", 0) == 0 || v.scalar.rfind("unix://", 0) == 0)) {
        if (auto e = parse_endpoint(v.scalar)) {
            return *e;
        }
    }
    fail_expected(path, "\"tcp://host:port\" or \"unix://path\"", v);
}

LogMode parse_log_mode(const Value& v, const std::string& path) {
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

LogEncoding parse_log_encoding(const Value& v, const std::string& path) {
    const std::string s = lower(as_string(v, path));
    if (s == "console") {
        return LogEncoding::kConsole;
    }
    if (s == "json") {
        return LogEncoding::kJson;
    }
    fail_expected(path, "\"console\" or \"json\"", v);
}

FileLoggerOptions decode_file_logger(const Value& v, const std::string& path) {
    FileLoggerOptions cfg;
    MapReader r(v, path);
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
    if (const Value* v = r.take("mode")) {
        out.mode = parse_log_mode(*v, r.child("mode"));
    }
    if (const Value* v = r.take("level")) {
        out.level = parse_log_level(*v, r.child("level"));
    }
    if (const Value* v = r.take("encoding")) {
        out.encoding = parse_log_encoding(*v, r.child("encoding"));
    }
    if (r.read("line_ending", out.line_ending) && out.line_ending.empty()) {
        out.line_ending = "\n";
    }
    r.read("output", out.output);
    r.read("err_output", out.err_output);
    if (const Value* v = r.take("file_logger_options")) {
        out.file_logger_options = decode_file_logger(*v, r.child("file_logger_options"));
    }
    r.read("format", out.format);
    r.read("time_format", out.time_format);
    r.read("skip_line_ending", out.skip_line_ending);
}

std::map<double, double> read_objectives(const Value& v, const std::string& path) {
    std::map<double, double> out;
    auto add_map = [&](const Value& m, const std::string& p) {
        if (!m.is_map()) {
            fail_expected(p, "a map of quantile to allowed error", m);
        }
        for (const auto& [k, val] : m.entries) {
            const double q = as_double(Value::make_scalar(k, false), p);
            out[q] = as_double(val, p + "." + k);
        }
    };
    if (v.is_seq()) {
        // Upstream's reference config writes a list of one-entry maps.
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            add_map(v.items[i], path + "[" + std::to_string(i) + "]");
        }
    } else {
        add_map(v, path);
    }
    return out;
}

}  // namespace

LogLevel parse_log_level(const Value& v, const std::string& path) {
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

RpcConfig decode_rpc(const Value& v, const std::string& path) {
    RpcConfig cfg;
    cfg.listen = *parse_endpoint("tcp://127.0.0.1:6001");
    MapReader r(v, path);
    if (const Value* l = r.take("listen"); l != nullptr && !(l->is_scalar() && l->scalar.empty())) {
        cfg.listen = read_dsn(*l, r.child("listen"));
    }
    r.finish();
    return cfg;
}

StatusConfig decode_status(const Value& v, const std::string& path) {
    StatusConfig cfg;
    MapReader r(v, path);
    const Value* a = r.take("address");
    if (a == nullptr || (a->is_scalar() && a->scalar.empty())) {
        fail(r.child("address"), "required when the status section is present");
    }
    cfg.address = as_endpoint(*a, r.child("address"));
    int code = 0;
    if (r.read_int("unavailable_status_code", code, 0, 599) && code != 0) {
        if (code < 100) {
            fail_expected(r.child("unavailable_status_code"), "an integer between 100 and 599",
                          Value::make_scalar(std::to_string(code), false));
        }
        cfg.unavailable_status_code = code;
    }
    if (const Value* t = r.take("check_timeout")) {
        // Upstream's type is integer seconds; a Go duration string ("30s", as in the docs)
        // is accepted too and rounded down to whole seconds.
        const std::string p = r.child("check_timeout");
        std::int64_t secs = 0;
        if (t->is_scalar() && !t->scalar.empty() &&
            std::all_of(t->scalar.begin(), t->scalar.end(),
                        [](unsigned char c) { return std::isdigit(c) != 0; })) {
            secs = as_int(*t, p, 0, 86400 * 365);
        } else {
            secs = std::chrono::duration_cast<std::chrono::seconds>(as_duration(*t, p)).count();
        }
        if (secs != 0) {
            cfg.check_timeout = std::chrono::seconds(secs);
        }
    }
    r.finish();
    return cfg;
}

MetricsConfig decode_metrics(const Value& v, const std::string& path) {
    MetricsConfig cfg;
    cfg.address = *parse_endpoint("127.0.0.1:2112");
    MapReader r(v, path);
    if (const Value* a = r.take("address");
        a != nullptr && !(a->is_scalar() && a->scalar.empty())) {
        cfg.address = as_endpoint(*a, r.child("address"));
    }
    if (const Value* c = r.take("collect")) {
        MapReader cr(*c, r.child("collect"));
        for (const auto& name : cr.keys()) {
            const std::string p = cr.child(name);
            const Value* mv = cr.take(name);
            MetricCollectorConfig m;
            MapReader mr(mv == nullptr ? kNullValue : *mv, p);
            const Value* type = mr.take("type");
            if (type == nullptr) {
                fail(mr.child("type"), "required (counter, gauge, histogram or summary)");
            }
            const std::string t = lower(as_string(*type, mr.child("type")));
            if (t == "counter") {
                m.type = MetricCollectorConfig::Type::kCounter;
            } else if (t == "gauge") {
                m.type = MetricCollectorConfig::Type::kGauge;
            } else if (t == "histogram") {
                m.type = MetricCollectorConfig::Type::kHistogram;
            } else if (t == "summary") {
                m.type = MetricCollectorConfig::Type::kSummary;
            } else {
                fail_expected(mr.child("type"), "one of counter, gauge, histogram, summary", *type);
            }
            mr.read("help", m.help);
            mr.read("namespace", m.namespace_name);
            mr.read("subsystem", m.subsystem);
            mr.read("labels", m.labels);
            if (const Value* b = mr.take("buckets")) {
                const std::string bp = mr.child("buckets");
                if (!b->is_seq()) {
                    fail_expected(bp, "a list of numbers", *b);
                }
                for (std::size_t i = 0; i < b->items.size(); ++i) {
                    m.buckets.push_back(as_double(b->items[i], bp + "[" + std::to_string(i) + "]"));
                }
            }
            if (const Value* o = mr.take("objectives")) {
                m.objectives = read_objectives(*o, mr.child("objectives"));
            }
            mr.finish();
            cfg.collect[name] = std::move(m);
        }
    }
    r.finish();
    return cfg;
}

LogsConfig decode_logs(const Value& v, const std::string& path) {
    LogsConfig cfg;
    MapReader r(v, path);
    read_log_settings(r, cfg);
    if (const Value* ch = r.take("channels")) {
        MapReader cr(*ch, r.child("channels"));
        for (const auto& name : cr.keys()) {
            const Value* one = cr.take(name);
            LogSettings settings = static_cast<const LogSettings&>(cfg);  // inherit the root
            MapReader one_reader(one == nullptr ? kNullValue : *one, cr.child(name));
            read_log_settings(one_reader, settings);
            one_reader.finish();
            cfg.channels[name] = std::move(settings);
        }
    }
    r.finish();
    return cfg;
}

EndureConfig decode_endure(const Value& v, const std::string& path) {
    EndureConfig cfg;
    MapReader r(v, path);
    Duration grace{0};
    if (r.read("grace_period", grace) && grace.count() != 0) {
        cfg.grace_period = grace;
    }
    if (const Value* l = r.take("log_level")) {
        cfg.log_level = parse_log_level(*l, r.child("log_level"));
    }
    r.read("print_graph", cfg.print_graph);
    r.read_int("watchdog_sec", cfg.watchdog_sec);
    r.finish();
    return cfg;
}

}  // namespace rr::config::detail
