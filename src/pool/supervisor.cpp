#include "pool/supervisor.h"

namespace rr::pool {

using worker::WorkerState;

Decision decide(const WorkerSnapshot& w, TimePoint now, const SupervisorOptions& limits) noexcept {
    const bool live = w.state == WorkerState::kReady || w.state == WorkerState::kWorking ||
                      (w.busy && worker::is_retire_state(w.state));
    if (!live) {
        return {};
    }
    if (w.busy) {
        if (limits.exec_ttl.count() > 0 && now - w.job_started >= limits.exec_ttl) {
            return {Verdict::kKill, WorkerState::kExecTtlReached};
        }
        if (w.state != WorkerState::kWorking) {
            return {};  // already marked; retired when released
        }
        if (limits.ttl.count() > 0 && now - w.created >= limits.ttl) {
            return {Verdict::kMarkInvalid, WorkerState::kInvalid};
        }
        if (limits.max_worker_memory > 0 && w.rss_bytes >= limits.max_worker_memory) {
            return {Verdict::kMarkInvalid, WorkerState::kInvalid};
        }
        return {};
    }
    if (w.state != WorkerState::kReady) {
        return {};
    }
    if (limits.ttl.count() > 0 && now - w.created >= limits.ttl) {
        return {Verdict::kRetire, WorkerState::kTtlReached};
    }
    if (limits.idle_ttl.count() > 0 && w.execs > 0 && now - w.last_used >= limits.idle_ttl) {
        return {Verdict::kRetire, WorkerState::kIdleTtlReached};
    }
    if (limits.max_worker_memory > 0 && w.rss_bytes >= limits.max_worker_memory) {
        return {Verdict::kRetire, WorkerState::kMaxMemoryReached};
    }
    return {};
}

std::uint64_t max_jobs_with_jitter(std::uint64_t max_jobs, unsigned r) noexcept {
    if (max_jobs == 0) {
        return 0;
    }
    return max_jobs + max_jobs * (r % 15) / 100;
}

}  // namespace rr::pool
