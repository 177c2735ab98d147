#pragma once
// Worker: one PHP process + its relay + its state machine + its counters.
//
// start() spawns the process (own process group), starts pumping its stderr into the `server`
// logger, connects the relay (pipes: the child's stdin/stdout; sockets: waits for the
// connection the listener matched by PID) and completes the PID handshake, all within
// `start_timeout` (the pool's allocate_timeout, PROTOCOL.md §3.2). The job protocol itself is
// driven by the pool through relay().
//
// Thread safety / executor: io_context thread only. Held by shared_ptr (pool lists and job
// coroutines share it). Destroying the last reference kills and reaps a still-running process.

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "process/child.h"
#include "process/spawn.h"
#include "transport/relay.h"
#include "transport/socket_listener.h"
#include "transport/types.h"
#include "worker/roster.h"
#include "worker/worker_state.h"

namespace rr::worker {

using transport::Awaitable;
using transport::Clock;
using transport::Duration;
using transport::Executor;
using transport::TimePoint;

struct WorkerOptions {
    process::SpawnOptions spawn;  ///< stdio modes are set by start() from the relay kind
    /// Socket relay listener; null means pipes.
    std::shared_ptr<transport::SocketListener> listener;
    /// Gets every stderr line at info level (the `server` logger). Null: stderr is discarded.
    std::shared_ptr<spdlog::logger> stderr_logger;
    Duration start_timeout = std::chrono::seconds(60);
};

/// Per-worker counters, as informer.Workers reports them.
struct WorkerInfo {
    int pid = 0;
    WorkerState state = WorkerState::kInactive;
    std::uint64_t execs = 0;
    std::chrono::system_clock::time_point created;
    std::uint64_t rss_bytes = 0;  ///< last sample (supervisor tick or informer call)
    std::string command;
};

class Worker {
public:
    /// Spawns and handshakes a worker. Errors: kSpawnFailed, kHandshakeTimeout,
    /// kHandshakeFailed, kWorkerExited (died during boot); `detail` receives a reason.
    /// On error nothing is left behind (the process is killed and reaped).
    static Awaitable<Result<std::shared_ptr<Worker>>> start(Executor ex,
                                                            const WorkerOptions& options,
                                                            std::string* detail = nullptr);

    Worker(Executor ex, std::shared_ptr<process::Child> child,
           std::unique_ptr<transport::Relay> relay, std::string command);
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    ~Worker();

    int pid() const noexcept { return child_->pid(); }
    WorkerState state() const noexcept { return fsm_.state(); }
    /// Applies a state change; false (unchanged) when the table forbids it.
    bool transition(WorkerState to) noexcept {
        if (!fsm_.transition(to)) return false;
        mirror_->set_state(to);
        return true;
    }
    bool exited() const noexcept { return child_->exited(); }
    process::Child& child() noexcept { return *child_; }
    transport::Relay& relay() noexcept { return *relay_; }

    // ---- counters (pool-maintained) ----
    std::uint64_t execs() const noexcept { return mirror_->execs(); }
    void count_exec() noexcept { mirror_->set_execs(mirror_->execs() + 1); }  // one writer
    TimePoint created() const noexcept { return created_; }
    TimePoint last_used() const noexcept { return last_used_; }
    void set_last_used(TimePoint t) noexcept { last_used_ = t; }
    TimePoint job_started() const noexcept { return job_started_; }
    void set_job_started(TimePoint t) noexcept { job_started_ = t; }
    std::uint64_t rss_bytes() const noexcept { return rss_bytes_; }
    /// Samples RSS from /proc now (keeps the last value when the process is gone).
    std::uint64_t sample_rss() noexcept;
    WorkerInfo info() const;
    /// What other threads may read of this worker (a pool's WorkerRoster holds it).
    std::shared_ptr<const WorkerMirror> mirror() const noexcept { return mirror_; }
    /// Request codecs the worker advertised in its PID reply, preferred first ("json",
    /// "proto"); empty for libraries that do not advertise (docs/php.md, "Codec negotiation").
    const std::vector<std::string>& codecs() const noexcept { return codecs_; }

    /// Hard stop: SIGKILL to the process group and abort relay I/O. The exit is observed
    /// asynchronously (child().wait_exit()).
    void kill() noexcept;

    /// Graceful stop: stop command, wait up to `grace` for the exit, then SIGKILL and wait for the
    /// reap. Completes when the process is reaped.
    Awaitable<void> stop(Duration grace);

    // ---- pool bookkeeping (owned by the pool; plain fields to keep the hot path cheap) ----
    bool busy = false;             ///< leased to a job
    std::uint64_t generation = 0;  ///< pool generation (reset bumps it)
    std::uint64_t max_jobs = 0;    ///< effective max_jobs (with jitter), 0 = unlimited
    /// The pool's release() looks closer once execs() reaches this (max_jobs, a prespawn check
    /// point, 0 = every time); the one comparison a released job costs.
    std::uint64_t recycle_check = ~std::uint64_t{0};
    std::uint64_t check_execs = 0;     ///< execs() at the previous check point
    TimePoint check_time{};            ///< time of the previous check point
    bool removed = false;              ///< already taken out of the pool's lists
    bool extra = false;                ///< spawned by the dynamic allocator; not replaced
    bool superseded = false;           ///< its successor is being started; it serves until then
    bool handed_over = false;          ///< the successor is ready: this one is on its way out
    std::uint64_t superseded_seq = 0;  ///< order of supersession (oldest leaves first)
    WorkerState retire_as = WorkerState::kInvalid;  ///< state when it leaves idle
    /// Set on a ready successor held back until this predecessor leaves (max_jobs recycling);
    /// the pool clears it when the predecessor is removed (never dangling).
    Worker* standby_for = nullptr;

private:
    Executor ex_;
    std::shared_ptr<process::Child> child_;
    std::unique_ptr<transport::Relay> relay_;
    std::string command_;
    WorkerStateMachine fsm_;
    TimePoint created_ = Clock::now();
    TimePoint last_used_{};
    TimePoint job_started_{};
    std::uint64_t rss_bytes_ = 0;
    std::vector<std::string> codecs_;
    /// The exec count and wall-clock start live here only (other threads read them).
    std::shared_ptr<WorkerMirror> mirror_;  // after child_: built from its pid
};

}  // namespace rr::worker
