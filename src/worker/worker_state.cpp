#include "worker/worker_state.h"

namespace rr::worker {

std::string_view to_string(WorkerState s) noexcept {
    switch (s) {
        case WorkerState::kInactive:
            return "inactive";
        case WorkerState::kReady:
            return "ready";
        case WorkerState::kWorking:
            return "working";
        case WorkerState::kInvalid:
            return "invalid";
        case WorkerState::kStopping:
            return "stopping";
        case WorkerState::kStopped:
            return "stopped";
        case WorkerState::kDestroyed:
            return "destroyed";
        case WorkerState::kMaxJobsReached:
            return "maxJobsReached";
        case WorkerState::kErrored:
            return "errored";
        case WorkerState::kIdleTtlReached:
            return "idleTTLReached";
        case WorkerState::kTtlReached:
            return "ttlReached";
        case WorkerState::kMaxMemoryReached:
            return "maxMemoryReached";
        case WorkerState::kExecTtlReached:
            return "undefined";
    }
    return "undefined";
}

bool is_retire_state(WorkerState s) noexcept {
    switch (s) {
        case WorkerState::kInvalid:
        case WorkerState::kMaxJobsReached:
        case WorkerState::kErrored:
        case WorkerState::kIdleTtlReached:
        case WorkerState::kTtlReached:
        case WorkerState::kMaxMemoryReached:
        case WorkerState::kExecTtlReached:
            return true;
        default:
            return false;
    }
}

bool can_transition(WorkerState from, WorkerState to) noexcept {
    using S = WorkerState;
    if (from == to) {
        return false;
    }
    // Terminal: nothing leaves destroyed; stopped may only be marked destroyed.
    if (from == S::kDestroyed) {
        return false;
    }
    if (from == S::kStopped) {
        return to == S::kDestroyed;
    }
    // The process may exit, and the pool may destroy, in any live state.
    if (to == S::kStopped || to == S::kDestroyed) {
        return true;
    }
    switch (from) {
        case S::kInactive:
            return to == S::kReady || to == S::kErrored || to == S::kStopping;
        case S::kReady:
            return to == S::kWorking || to == S::kStopping || to == S::kInvalid ||
                   to == S::kErrored || to == S::kIdleTtlReached || to == S::kTtlReached ||
                   to == S::kMaxMemoryReached;
        case S::kWorking:
            // Busy workers hit by ttl/memory become invalid (soft: retired when released);
            // exec_ttl and transport errors are hard.
            return to == S::kReady || to == S::kInvalid || to == S::kMaxJobsReached ||
                   to == S::kErrored || to == S::kExecTtlReached;
        case S::kInvalid:
        case S::kMaxJobsReached:
        case S::kIdleTtlReached:
        case S::kTtlReached:
        case S::kMaxMemoryReached:
            // A retired worker still finishing a stream can turn out broken on the way out.
            return to == S::kStopping || to == S::kErrored || to == S::kExecTtlReached;
        case S::kErrored:
        case S::kExecTtlReached:
            return to == S::kStopping;
        case S::kStopping:
            return to == S::kErrored;
        default:
            return false;
    }
}

}  // namespace rr::worker
