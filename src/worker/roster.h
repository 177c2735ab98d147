#pragma once
// WorkerRoster: what threads other than a pool's own may read of its workers — the metrics
// scrape thread above all — without posting to the pool's io_context and waiting for it.
//
// Each Worker owns a WorkerMirror (pid, start time, and its state and exec count as atomics it
// stores on every change: relaxed stores, nothing else on the request path). A pool given a
// roster adds a worker's mirror when the worker joins its list and removes it when it leaves;
// several pools (one per `http.io_threads` loop) may share one roster. snapshot() copies the
// mirrors under the roster's mutex, which only joins, leaves and snapshots take.
//
// Why not ask the pool's thread: a scrape that posts to the I/O thread wakes it (an epoll_ctl on
// its epoll instance from another CPU) and makes it wait on a lock the scrape thread holds; on
// a loaded 2-vCPU machine that cost requests served in the same moment their p99 (bench/
// observability.sh). Reading a mirror is a few atomic loads.
//
// Thread safety: WorkerMirror's setters from the owning pool's thread only; everything else
// from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "worker/worker_state.h"

namespace rr::worker {

class WorkerMirror {
public:
    WorkerMirror(int pid, std::chrono::system_clock::time_point created) noexcept
        : pid_(pid), created_(created) {}

    int pid() const noexcept { return pid_; }
    std::chrono::system_clock::time_point created() const noexcept { return created_; }
    WorkerState state() const noexcept { return state_.load(std::memory_order_relaxed); }
    std::uint64_t execs() const noexcept { return execs_.load(std::memory_order_relaxed); }

    void set_state(WorkerState s) noexcept { state_.store(s, std::memory_order_relaxed); }
    void set_execs(std::uint64_t n) noexcept { execs_.store(n, std::memory_order_relaxed); }

private:
    const int pid_;
    const std::chrono::system_clock::time_point created_;
    std::atomic<WorkerState> state_{WorkerState::kInactive};
    std::atomic<std::uint64_t> execs_{0};
};

/// One worker as a snapshot sees it.
struct MirroredWorker {
    int pid = 0;
    WorkerState state = WorkerState::kInactive;
    std::uint64_t execs = 0;
    std::chrono::system_clock::time_point created;
};

class WorkerRoster {
public:
    void add(std::shared_ptr<const WorkerMirror> m) {
        std::lock_guard lock(mu_);
        mirrors_.push_back(std::move(m));
    }
    void remove(const WorkerMirror* m) {
        std::lock_guard lock(mu_);
        std::erase_if(mirrors_, [m](const auto& p) { return p.get() == m; });
    }
    /// The workers in the order they joined.
    std::vector<MirroredWorker> snapshot() const {
        std::lock_guard lock(mu_);
        std::vector<MirroredWorker> out;
        out.reserve(mirrors_.size());
        for (const auto& m : mirrors_) {
            out.push_back({m->pid(), m->state(), m->execs(), m->created()});
        }
        return out;
    }

private:
    mutable std::mutex mu_;
    std::vector<std::shared_ptr<const WorkerMirror>> mirrors_;
};

}  // namespace rr::worker
