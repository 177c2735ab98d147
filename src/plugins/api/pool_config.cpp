// Decoder of the worker pool block (see pool_config.h).

#include "plugins/api/pool_config.h"

#include <algorithm>
#include <thread>

namespace rr::plugins {

using config::fail;
using config::MapReader;

PoolConfig decode_pool(const config::Node& v, const std::string& path,
                       const config::DecodeContext& ctx) {
    PoolConfig cfg;
    MapReader r(v, path, ctx);

    // An empty command ("" or []) means "use server.command", as upstream (the reference
    // config writes `command: ""`).
    if (const config::Node* command = r.take("command");
        command != nullptr && !config::as_string_list(*command, r.child("command")).empty()) {
        cfg.command = config::as_command(*command, r.child("command"));
    }
    r.read_int("num_workers", cfg.num_workers, 0, 500);
    r.read_int("max_jobs", cfg.max_jobs);
    r.read_int("max_queue_size", cfg.max_queue_size);
    r.read_or_default("allocate_timeout", cfg.allocate_timeout);
    r.read_or_default("reset_timeout", cfg.reset_timeout);
    r.read_or_default("destroy_timeout", cfg.destroy_timeout);
    r.read_or_default("stream_timeout", cfg.stream_timeout);
    r.read("debug", cfg.debug);

    if (const config::Node* sv = r.take("supervisor")) {
        SupervisorConfig sup;
        MapReader sr(*sv, r.child("supervisor"), ctx);
        sr.read_or_default("watch_tick", sup.watch_tick);
        sr.read("ttl", sup.ttl);
        sr.read("idle_ttl", sup.idle_ttl);
        sr.read_int("max_worker_memory", sup.max_worker_memory_mb);
        sr.read("exec_ttl", sup.exec_ttl);
        sr.finish();
        cfg.supervisor = sup;
    }

    if (const config::Node* dv = r.take("dynamic_allocator")) {
        DynamicAllocatorConfig dyn;
        MapReader dr(*dv, r.child("dynamic_allocator"), ctx);
        // 0 means "default", as upstream's InitDefaults.
        std::uint32_t n = 0;
        if (dr.read_int("max_workers", n, 0, 100) && n != 0) {
            dyn.max_workers = n;
        }
        n = 0;
        if (dr.read_int("spawn_rate", n, 0, 100) && n != 0) {
            dyn.spawn_rate = n;
        }
        dr.read_or_default("idle_timeout", dyn.idle_timeout);
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

}  // namespace rr::plugins
