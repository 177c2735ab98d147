#pragma once
/// The worker pool block (`http.pool`; the same block serves every plugin that runs PHP
/// workers, BEHAVIOUR.md §1.8) and its decoder. Part of the WorkerPoolProvider contract.
///
/// Thread safety: plain values.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace rr::plugins {

using config::Duration;

struct SupervisorConfig {
    Duration watch_tick = std::chrono::seconds(5);
    Duration ttl{0};                         ///< 0 = off; soft
    Duration idle_ttl{0};                    ///< 0 = off; soft
    std::uint64_t max_worker_memory_mb = 0;  ///< 0 = off; soft; MiB of RSS
    Duration exec_ttl{0};                    ///< 0 = off; hard (kill)
};

struct DynamicAllocatorConfig {
    std::uint32_t max_workers = 10;                   ///< 1..100
    std::uint32_t spawn_rate = 5;                     ///< 1..100
    Duration idle_timeout = std::chrono::minutes(1);  ///< >= 1s
};

struct PoolConfig {
    std::vector<std::string> command;  ///< empty = use server.command
    /// Workers started up front. 0 in the file is resolved to the CPU count at load time, so
    /// this is > 0 after loading, except in debug mode where it is forced to 0. Max 500.
    std::uint32_t num_workers = 0;
    std::uint64_t max_jobs = 0;        ///< 0 = unlimited (debug mode forces 1)
    std::uint64_t max_queue_size = 0;  ///< 0 = unlimited (debug mode forces 0)
    Duration allocate_timeout = std::chrono::seconds(60);
    Duration reset_timeout = std::chrono::seconds(60);
    Duration destroy_timeout = std::chrono::seconds(60);
    Duration stream_timeout = std::chrono::seconds(60);
    bool debug = false;                                       ///< a fresh worker per request
    std::optional<SupervisorConfig> supervisor;               ///< absent = no supervisor
    std::optional<DynamicAllocatorConfig> dynamic_allocator;  ///< absent = off
};

/// Decodes a `pool` block (a null node gives the defaults). `num_workers: 0` becomes the CPU
/// count; debug mode forces num_workers 0, max_jobs 1, max_queue_size 0. Throws ConfigError.
PoolConfig decode_pool(const config::Node& v, const std::string& path,
                       const config::DecodeContext& ctx);

}  // namespace rr::plugins
