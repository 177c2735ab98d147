// Pool administration: rolling reset, informer.AddWorker / RemoveWorker, destroy, informer
// data. See docs/pool.md ("Reset", "Adding and removing workers").

// clang-format off
#include "pool/pool.h"  // first: transport/types.h works around Boost 1.74's awaitable.hpp
// clang-format on

#include <spdlog/spdlog.h>

#include <algorithm>

namespace rr::pool {

using boost::system::error_code;

namespace {

constexpr auto kReapBudget = std::chrono::seconds(10);

/// A live worker of `old` still to be superseded: an idle one first (it leaves at once).
std::shared_ptr<Worker> next_to_replace(const std::vector<std::shared_ptr<Worker>>& old) {
    std::shared_ptr<Worker> pick;
    for (const auto& w : old) {
        if (w->removed || w->superseded) {
            continue;
        }
        if (!w->busy) {
            return w;
        }
        if (!pick) {
            pick = w;
        }
    }
    return pick;
}

}  // namespace

Awaitable<Result<void>> Pool::reset() {
    auto self = shared_from_this();
    while (resetting_ && !stopping_) {  // one reset at a time; a second one follows the first
        co_await changed_.wait_until(TimePoint::max());
    }
    if (stopping_) {
        co_return make_error_code(errc::kPoolStopped);
    }
    resetting_ = true;
    const auto start = Clock::now();
    const auto deadline = start + options_.reset_timeout;
    const auto old_generation = generation_++;
    last_start_error_ = {};
    // Standbys were started before the reset: they go (their predecessors are old workers).
    for (auto& standby : std::vector(standbys_)) {
        standby->transition(WorkerState::kInvalid);
        retire(standby, true);
    }
    std::vector<std::shared_ptr<Worker>> old;
    for (const auto& w : std::vector(workers_)) {
        if (w->generation > old_generation || w->removed) {
            continue;
        }
        if (w->extra) {
            // Extras are not replaced: an idle one leaves now, a busy one after its job.
            w->transition(WorkerState::kInvalid);
            if (!w->busy) {
                retire(w, false);
            }
            continue;
        }
        if (w->superseded) {
            // Already being recycled (max_jobs): replaced like the others, not at max_jobs.
            w->retire_as = WorkerState::kInvalid;
        }
        old.push_back(w);
    }
    // One at a time: the next old worker's successor starts only when the previous successor
    // is ready and has taken over (take_over() retires the old one: now if idle, else after
    // its job).
    while (Clock::now() < deadline && !stopping_) {
        auto next = next_to_replace(old);
        if (!next) {
            break;
        }
        supersede(next, WorkerState::kInvalid);
        while (!next->removed && !next->handed_over && Clock::now() < deadline && !stopping_) {
            co_await changed_.wait_until(deadline);
        }
    }
    // Old workers leave (busy ones finish their job) and are reaped.
    const auto old_left = [&old] {
        return std::any_of(old.begin(), old.end(),
                           [](const auto& w) { return !w->removed || !w->exited(); });
    };
    while (old_left() && Clock::now() < deadline && !stopping_) {
        co_await changed_.wait_until(deadline);
    }
    error_code result;
    std::size_t kept = 0;
    if (old_left() && !stopping_) {
        for (const auto& w : old) {
            if (w->removed) {
                if (!w->exited()) {
                    w->kill();  // stop command not obeyed within reset_timeout
                }
            } else if (w->handed_over) {
                log_->warn("worker {}: still busy after reset_timeout, killed", w->pid());
                w->kill();
            } else {
                supersede(w, WorkerState::kInvalid);  // replaced once a start succeeds
                ++kept;
            }
        }
    }
    if (kept > 0) {
        result = last_start_error_ ? last_start_error_ : make_error_code(errc::kHandshakeTimeout);
        log_->warn(
            "reset: {} old worker(s) keep serving: no new worker could be started within "
            "reset_timeout ({})",
            kept, result.message());
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    log_->info("reset: {} worker(s) replaced in {} ms", old.size() - kept, took.count());
    resetting_ = false;
    changed_.notify_all();
    if (result) {
        co_return result;
    }
    co_return success();
}

Awaitable<Result<void>> Pool::add_worker() {
    auto self = shared_from_this();
    if (stopping_) {
        co_return make_error_code(errc::kPoolStopped);
    }
    if (options_.debug) {
        log_->warn("add worker operation is not allowed in debug mode");
        co_return success();
    }
    if (target_ >= options_.add_worker_limit) {
        co_return make_error_code(errc::kMaxWorkers);
    }
    ++target_;
    log_->info("adding a worker (num_workers now {})", target_);
    last_start_error_ = {};
    replenish();
    const auto deadline = Clock::now() + options_.allocate_timeout;
    const auto base_live = [this] {
        return static_cast<std::size_t>(std::count_if(workers_.begin(), workers_.end(),
                                                      [](const auto& w) { return !w->extra; }));
    };
    while (base_live() < target_ && Clock::now() < deadline && !stopping_) {
        co_await changed_.wait_until(deadline);
    }
    if (stopping_) {
        co_return make_error_code(errc::kPoolStopped);
    }
    if (base_live() >= target_) {
        co_return success();
    }
    --target_;  // a start still in flight is trimmed when it completes
    log_->error("adding a worker failed within allocate_timeout (num_workers back to {})", target_);
    co_return last_start_error_ ? last_start_error_ : make_error_code(errc::kHandshakeTimeout);
}

Awaitable<Result<void>> Pool::remove_worker() {
    auto self = shared_from_this();
    if (stopping_) {
        co_return make_error_code(errc::kPoolStopped);
    }
    if (options_.debug) {
        log_->warn("remove worker operation is not allowed in debug mode");
        co_return success();
    }
    if (target_ <= 1) {
        log_->warn("can't remove the last worker");
        co_return success();
    }
    --target_;
    std::vector<std::shared_ptr<Worker>> idle_before = idle_;
    trim_surplus();
    // An idle worker was stopped: return when its process is gone (a busy one leaves after its
    // job, in the background).
    std::shared_ptr<Worker> stopped;
    for (const auto& w : idle_before) {
        if (w->removed) {
            stopped = w;
        }
    }
    const auto deadline = Clock::now() + options_.stop_grace + kReapBudget;
    while (stopped && !stopped->exited() && Clock::now() < deadline) {
        co_await changed_.wait_until(deadline);
    }
    co_return success();
}

Awaitable<void> Pool::destroy() {
    auto self = shared_from_this();
    const auto deadline = Clock::now() + options_.destroy_timeout;
    if (!stopping_) {
        stopping_ = true;
        supervisor_timer_.cancel();
        extra_timer_.cancel();
        respawn_timer_.cancel();
        linger_timer_.cancel();
        for (auto& standby : std::vector(standbys_)) {
            retire(standby, false);
        }
        for (auto& w : workers_) {
            w->recycle_check = 0;  // busy ones retire when released (recycle_point)
        }
        if (listener_) {
            listener_->close();  // socket workers still starting fail at once
        }
        for (Waiter* w : waiters_) {
            w->queued = false;
            w->timer.cancel();
        }
        waiters_.clear();
        auto idle = std::move(idle_);
        idle_.clear();
        idle_hint_.store(0, std::memory_order_relaxed);
        for (auto& w : idle) {
            retire(std::move(w), false);
        }
    }
    // Spawns in flight finish first (they are retired as soon as they are added), so that no
    // process appears after destroy() returned.
    while ((!workers_.empty() || !retiring_.empty() || starting_ > 0) && Clock::now() < deadline) {
        co_await changed_.wait_until(deadline);
    }
    // Out of time: everything left is killed. Busy workers' jobs fail (their coroutines see the
    // relay break); a worker whose consumer never reads again is tracked here directly.
    for (auto& w : std::vector(workers_)) {
        log_->warn("worker {}: still busy after destroy_timeout, killed", w->pid());
        w->kill();
        remove_and_track(w, false, false);
    }
    for (auto& w : std::vector(retiring_)) {
        w->kill();
    }
    const auto reap_deadline = Clock::now() + kReapBudget;
    while ((!retiring_.empty() || starting_ > 0) && Clock::now() < reap_deadline) {
        co_await changed_.wait_until(reap_deadline);
        for (auto& w : std::vector(workers_)) {  // a spawn that completed meanwhile
            w->kill();
            remove_and_track(w, false, false);
        }
    }
    if (starting_ > 0 || !retiring_.empty()) {
        log_->error("destroy: {} worker(s) still starting, {} not reaped", starting_,
                    retiring_.size());
    }
    if (listener_) {
        listener_->close();
    }
}

std::vector<WorkerInfo> Pool::workers() {
    std::vector<WorkerInfo> out;
    out.reserve(workers_.size());
    for (auto& w : workers_) {
        w->sample_rss();
        out.push_back(w->info());
    }
    return out;
}

PoolStats Pool::stats() const {
    PoolStats s;
    s.workers = workers_.size();
    s.ready = idle_.size();
    s.busy = static_cast<std::size_t>(
        std::count_if(workers_.begin(), workers_.end(), [](const auto& w) { return w->busy; }));
    s.queued = waiters_.size();
    s.starting = starting_;
    s.extra = extra_live_;
    s.no_free_workers = no_free_workers_;
    s.target = target_;
    s.superseded = static_cast<std::size_t>(std::count_if(
        workers_.begin(), workers_.end(), [](const auto& w) { return w->superseded; }));
    s.prespawns = prespawns_;
    s.standby = standbys_.size();
    return s;
}

std::vector<std::string> Pool::advertised_codecs() const {
    for (const auto& w : workers_) {
        if (!w->codecs().empty()) return w->codecs();
    }
    return {};
}

}  // namespace rr::pool
