#pragma once
// Worker states, numbered as upstream reports them in informer.Workers (PROTOCOL.md §3.1), and
// the explicit transition table (STYLE §11.5 rule 6).
//
//   inactive ──handshake──▶ ready ◀──job done── working
//   ready/working ──limits──▶ retire states (invalid, maxJobsReached, ttlReached,
//                             idleTTLReached, maxMemoryReached, errored, execTTLReached)
//   any live state ──▶ stopping ──▶ stopped (process exited) ; destroyed = removed on purpose
//
// Thread safety: WorkerStateMachine is a plain value; the owner's executor only.

#include <cstdint>
#include <string_view>

namespace rr::worker {

enum class WorkerState : std::uint8_t {
    kInactive = 0,        ///< spawned, handshake not done yet
    kReady = 1,           ///< idle, can take a job
    kWorking = 2,         ///< executing a job
    kInvalid = 3,         ///< to be replaced once released (busy ttl/memory, stop request, reset)
    kStopping = 4,        ///< stop command sent, waiting for the exit
    kStopped = 5,         ///< process exited
    kDestroyed = 6,       ///< removed on purpose (pool destroy); not replaced
    kMaxJobsReached = 7,  ///< served max_jobs
    kErrored = 8,         ///< transport or protocol error; killed
    kIdleTtlReached = 9,  ///< idle longer than idle_ttl
    kTtlReached = 10,     ///< older than ttl
    kMaxMemoryReached = 11,  ///< RSS above max_worker_memory
    kExecTtlReached = 12,    ///< a job ran past exec_ttl; killed
};

/// Upstream's status strings ("ready", "working", ..., "undefined" for exec TTL as upstream).
std::string_view to_string(WorkerState s) noexcept;

/// True for the states that mean "retire this worker when it is released".
bool is_retire_state(WorkerState s) noexcept;

/// True when the move `from → to` is allowed by the table above.
bool can_transition(WorkerState from, WorkerState to) noexcept;

class WorkerStateMachine {
public:
    WorkerState state() const noexcept { return state_; }
    /// Applies the move if allowed and returns true; returns false (state unchanged) otherwise.
    /// An illegal move is a bug in the caller; the caller logs it.
    bool transition(WorkerState to) noexcept {
        if (!can_transition(state_, to)) {
            return false;
        }
        state_ = to;
        return true;
    }

private:
    WorkerState state_ = WorkerState::kInactive;
};

}  // namespace rr::worker
