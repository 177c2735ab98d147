#pragma once
// Supervisor decisions (PROTOCOL.md §6.2, BEHAVIOUR.md §3.14): pure functions of
// (worker snapshot, now, limits). The pool's watch_tick timer only samples RSS, calls decide()
// and applies the verdict, so every rule is unit-tested with a fake clock.
//
// Soft limits (ttl, idle_ttl, max_worker_memory) never interrupt a job: a busy worker is only
// marked invalid and retired when its job ends (upstream bug #1561 killed mid-request; we do
// not). exec_ttl is the hard one: the job fails and the worker is killed.
//
// Thread safety: stateless, safe from any thread.

#include <chrono>
#include <cstdint>

#include "transport/types.h"
#include "worker/worker_state.h"

namespace rr::pool {

using transport::Duration;
using transport::TimePoint;

struct SupervisorOptions {
    Duration watch_tick = std::chrono::seconds(5);
    Duration ttl{0};                      ///< 0 = off
    Duration idle_ttl{0};                 ///< 0 = off; counts only after the first job
    std::uint64_t max_worker_memory = 0;  ///< bytes (config MB × 1024 × 1024); 0 = off
    Duration exec_ttl{0};                 ///< 0 = off; hard limit per job / per stream frame

    /// True when any periodic check is configured (exec_ttl alone needs no tick).
    bool needs_tick() const noexcept {
        return ttl.count() > 0 || idle_ttl.count() > 0 || max_worker_memory > 0 ||
               exec_ttl.count() > 0;
    }
};

/// What the supervisor needs to know about one worker.
struct WorkerSnapshot {
    worker::WorkerState state = worker::WorkerState::kReady;
    bool busy = false;  ///< a job holds the worker
    TimePoint created{};
    TimePoint last_used{};    ///< end of the last job
    TimePoint job_started{};  ///< start of the current job (busy only)
    std::uint64_t execs = 0;
    std::uint64_t rss_bytes = 0;
};

enum class Verdict {
    kKeep,         ///< nothing to do
    kRetire,       ///< idle: move to `state` and stop it now (it is replaced)
    kMarkInvalid,  ///< busy: move to `state` (invalid); retired when its job ends
    kKill,         ///< busy past exec_ttl: move to `state` and SIGKILL; the job fails
};

struct Decision {
    Verdict verdict = Verdict::kKeep;
    worker::WorkerState state = worker::WorkerState::kReady;
    friend bool operator==(const Decision&, const Decision&) = default;
};

/// The rules, in priority order: exec_ttl (busy) → ttl → idle_ttl (idle, after ≥1 job) →
/// max_worker_memory. Workers that are neither ready nor working are left alone.
Decision decide(const WorkerSnapshot& w, TimePoint now, const SupervisorOptions& limits) noexcept;

/// Effective max_jobs for one worker (RR 2024.1+: N + ⌊N·r/100⌋ with r in 0..14, so workers do
/// not all restart at once). `r` is the caller's random draw; r = 0 gives N.
std::uint64_t max_jobs_with_jitter(std::uint64_t max_jobs, unsigned r) noexcept;

}  // namespace rr::pool
