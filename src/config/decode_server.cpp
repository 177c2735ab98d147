// Decoders for `server` and the worker pool block (`http.pool`).

#include <algorithm>
#include <cctype>
#include <thread>

#include "config/internal.h"

namespace rr::config::detail {

namespace {

/// `command`: a list is used verbatim; a string is split on whitespace (no shell quoting).
std::vector<std::string> read_command(const Value& v, const std::string& path) {
    std::vector<std::string> argv =
        v.is_scalar() ? as_string_list(v, path, " \t\r\n") : as_string_list(v, path);
    if (argv.empty() || argv.front().empty()) {
        fail(path, "must not be empty");
    }
    return argv;
}

std::map<std::string, std::string> upper_keys(const std::map<std::string, std::string>& in) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : in) {
        std::string key = k;
        std::transform(key.begin(), key.end(), key.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        out[key] = v;
    }
    return out;
}

/// Upstream treats a zero timeout as "use the default".
void read_timeout_with_default(MapReader& r, std::string_view key, Duration& out) {
    const Duration def = out;
    if (r.read(key, out) && out.count() == 0) {
        out = def;
    }
}

}  // namespace

ServerConfig decode_server(const Value& v, const std::string& path) {
    ServerConfig cfg;
    MapReader r(v, path);

    const Value* command = r.take("command");
    if (command == nullptr) {
        fail(r.child("command"), "required (the worker command, e.g. \"php worker.php\")");
    }
    cfg.command = read_command(*command, r.child("command"));
    r.read("user", cfg.user);
    r.read("group", cfg.group);
    std::map<std::string, std::string> env;
    if (r.read("env", env)) {
        cfg.env = upper_keys(env);
    }

    if (const Value* relay = r.take("relay")) {
        const std::string text = as_string(*relay, r.child("relay"));
        if (text != "pipes") {
            const bool prefixed = text.rfind("tcp://", 0) == 0 || text.rfind("unix://", 0) == 0;
            auto ep = prefixed ? parse_endpoint(text) : std::nullopt;
            if (!ep) {
                fail_expected(r.child("relay"), "\"pipes\", \"tcp://host:port\" or \"unix://path\"",
                              *relay);
            }
            cfg.relay = std::move(ep);
        }
        cfg.relay_text = text;
    }
    r.ignore("relay_timeout");  // no-op upstream since v2024.1

    if (const Value* on_init = r.take("on_init")) {
        OnInitConfig init;
        MapReader ir(*on_init, r.child("on_init"));
        const Value* cmd = ir.take("command");
        if (cmd == nullptr) {
            fail(ir.child("command"), "required when on_init is present");
        }
        init.command = read_command(*cmd, ir.child("command"));
        read_timeout_with_default(ir, "exec_timeout", init.exec_timeout);
        ir.read("exit_on_error", init.exit_on_error);
        std::map<std::string, std::string> init_env;
        if (ir.read("env", init_env)) {
            init.env = upper_keys(init_env);
        }
        ir.read("user", init.user);
        ir.finish();
        cfg.on_init = std::move(init);
    }
    r.finish();
    return cfg;
}

PoolConfig decode_pool(const Value& v, const std::string& path) {
    PoolConfig cfg;
    MapReader r(v, path);

    if (const Value* command = r.take("command")) {
        cfg.command = read_command(*command, r.child("command"));
    }
    r.read_int("num_workers", cfg.num_workers, 0, 500);
    r.read_int("max_jobs", cfg.max_jobs);
    r.read_int("max_queue_size", cfg.max_queue_size);
    read_timeout_with_default(r, "allocate_timeout", cfg.allocate_timeout);
    read_timeout_with_default(r, "reset_timeout", cfg.reset_timeout);
    read_timeout_with_default(r, "destroy_timeout", cfg.destroy_timeout);
    read_timeout_with_default(r, "stream_timeout", cfg.stream_timeout);
    r.read("debug", cfg.debug);

    if (const Value* sv = r.take("supervisor")) {
        SupervisorConfig sup;
        MapReader sr(*sv, r.child("supervisor"));
        read_timeout_with_default(sr, "watch_tick", sup.watch_tick);
        sr.read("ttl", sup.ttl);
        sr.read("idle_ttl", sup.idle_ttl);
        sr.read_int("max_worker_memory", sup.max_worker_memory_mb);
        sr.read("exec_ttl", sup.exec_ttl);
        sr.finish();
        cfg.supervisor = sup;
    }

    if (const Value* dv = r.take("dynamic_allocator")) {
        DynamicAllocatorConfig dyn;
        MapReader dr(*dv, r.child("dynamic_allocator"));
        // 0 means "default", as upstream's InitDefaults.
        std::uint32_t n = 0;
        if (dr.read_int("max_workers", n, 0, 100) && n != 0) {
            dyn.max_workers = n;
        }
        n = 0;
        if (dr.read_int("spawn_rate", n, 0, 100) && n != 0) {
            dyn.spawn_rate = n;
        }
        read_timeout_with_default(dr, "idle_timeout", dyn.idle_timeout);
        if (dyn.idle_timeout < std::chrono::seconds(1)) {
            fail(dr.child("idle_timeout"), "must be at least 1s");
        }
        dr.finish();
        cfg.dynamic_allocator = dyn;
    }
    r.finish();

    if (cfg.debug) {
        // Debug mode: a fresh worker per request, nothing pre-forked, no queue limit.
        cfg.num_workers = 0;
        cfg.max_jobs = 1;
        cfg.max_queue_size = 0;
    } else if (cfg.num_workers == 0) {
        cfg.num_workers = std::max(1U, std::thread::hardware_concurrency());
    }
    return cfg;
}

}  // namespace rr::config::detail
