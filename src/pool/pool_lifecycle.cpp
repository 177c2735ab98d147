// Worker lifecycle of the pool: starting, adopting, recycling (successor first), retiring,
// failures, the respawn backoff, the supervisor and the dynamic allocator. Nothing here runs
// per job except recycle_point(), and that only at a worker's check points (docs/pool.md).

// clang-format off
#include "pool/pool.h"  // first: transport/types.h works around Boost 1.74's awaitable.hpp
// clang-format on

#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rr::pool {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr auto kReapBudget = std::chrono::seconds(10);
/// A max_jobs worker whose successor is ready stays as the last-resort worker until its limit;
/// unused this long (the load went away), it leaves.
constexpr auto kLinger = std::chrono::seconds(1);

bool is_frame_error(const error_code& ec) {
    if (ec.category() != error_category()) {
        return false;
    }
    switch (static_cast<errc>(ec.value())) {
        case errc::kFrameShortHeader:
        case errc::kFrameBadHeaderLength:
        case errc::kFrameCrcMismatch:
        case errc::kFrameTooLarge:
        case errc::kFrameTruncated:
        case errc::kFrameBadOptions:
            return true;
        default:
            return false;
    }
}

/// Printable rendering of bytes a worker wrote where a frame was expected.
std::string printable(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        if (c >= 0x20 && c < 0x7f) {
            out.push_back(static_cast<char>(c));
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += fmt::format("\\x{:02x}", c);
        }
    }
    return out;
}

long long to_ms(Duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

/// Why a worker leaves the pool, from its state when it is taken out (the "worker stopped" line).
std::string_view stop_reason(WorkerState s, bool pool_stopping, bool extra) {
    switch (s) {
        case WorkerState::kMaxJobsReached:
            return "max_jobs reached";
        case WorkerState::kTtlReached:
            return "ttl reached";
        case WorkerState::kIdleTtlReached:
            return "idle_ttl reached";
        case WorkerState::kMaxMemoryReached:
            return "max_worker_memory reached";
        case WorkerState::kExecTtlReached:
            return "exec_ttl reached";
        case WorkerState::kErrored:
            return "relay or protocol error";
        case WorkerState::kStopped:
            return "process exited";
        default:
            break;
    }
    if (pool_stopping) return "pool stopping";
    if (extra) return "extra worker no longer needed";
    return s == WorkerState::kInvalid ? "replaced (reset, stop request or debug mode)" : "removed";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Starting and adopting

Awaitable<Result<std::shared_ptr<Worker>>> Pool::start_worker() {
    // The caller counted this start in starting_ before it could be suspended, so that
    // replenish() never starts the same worker twice.
    const auto t0 = Clock::now();
    const auto generation = generation_;  // a worker started before a reset is an old one
    std::string detail;
    // Not a conditional expression around the two co_awaits: g++ 12 destroys its result twice.
    Result<std::shared_ptr<Worker>> w = make_error_code(errc::kSpawnFailed);
    if (options_.spawner) {
        w = co_await options_.spawner(ex_, worker_options_, &detail);
    } else {
        w = co_await Worker::start(ex_, worker_options_, &detail);
    }
    --starting_;
    const auto now = Clock::now();
    if (!w) {
        last_start_error_ = w.error();
        log_->error("failed to start a worker: {}: {}", w.error().message(), detail);
        if (!stopping_) {
            const auto delay = backoff_.failure(now);
            if (delay > Duration::zero()) {
                log_->warn("{} worker failures in a row: next worker start in {} ms",
                           backoff_.streak(now), to_ms(delay));
            }
        }
    } else {
        w.value()->generation = generation;
        spawn_cost_.add(now - t0);
        backoff_.started();
        log_->info("worker {} started in {} ms", w.value()->pid(), to_ms(now - t0));
    }
    changed_.notify_all();  // destroy() waits for spawns in flight
    co_return w;
}

void Pool::adopt(std::shared_ptr<Worker> w, bool busy, bool hold) {
    unsigned r = 0;
    if (options_.max_jobs_jitter) {
        jitter_seed_ = jitter_seed_ * 1103515245u + 12345u;
        r = (jitter_seed_ >> 16) % 15;
    }
    w->max_jobs = max_jobs_with_jitter(options_.max_jobs, r);
    if (options_.debug || stopping_) {
        w->recycle_check = 0;
    } else if (w->extra || !options_.recycle_prespawn || w->max_jobs == 0) {
        w->recycle_check = w->max_jobs == 0 ? ~std::uint64_t{0} : w->max_jobs;
    } else {
        w->recycle_check = first_recycle_check(w->max_jobs);
    }
    w->check_execs = 0;
    w->check_time = w->created();
    workers_.push_back(w);
    if (options_.roster) options_.roster->add(w->mirror());
    live_hint_.store(workers_.size(), std::memory_order_relaxed);
    std::weak_ptr<Pool> weak_pool = weak_from_this();
    std::weak_ptr<Worker> weak_worker = w;
    w->child().on_exit([weak_pool, weak_worker](int) {
        auto pool = weak_pool.lock();
        auto worker = weak_worker.lock();
        if (pool && worker) {
            pool->on_worker_exit(std::move(worker));
        }
    });
    changed_.notify_all();
    if (busy) {
        w->busy = true;
        return;
    }
    if (stopping_) {
        retire(std::move(w), false);
        return;
    }
    if (w->generation < generation_ && !w->extra) {
        // Started before a reset: it may run the old code. Replaced like the others.
        supersede(w, WorkerState::kInvalid);
    }
    if (!hold) {
        offer(std::move(w));
    }
}

// ---------------------------------------------------------------------------------------------
// Recycling: the successor is started before the worker leaves

void Pool::recycle_point(const std::shared_ptr<Worker>& w, TimePoint now) {
    if (stopping_ || options_.debug) {
        w->transition(WorkerState::kInvalid);
        return;
    }
    if (w->max_jobs > 0 && w->execs() >= w->max_jobs) {
        w->transition(WorkerState::kMaxJobsReached);  // its standby, if any, takes over
        return;
    }
    w->transition(WorkerState::kReady);
    if (w->superseded || w->extra || !options_.recycle_prespawn || w->max_jobs == 0) {
        w->recycle_check = w->max_jobs == 0 ? ~std::uint64_t{0} : w->max_jobs;
        return;
    }
    const auto plan = plan_recycle(w->execs(), w->max_jobs, w->execs() - w->check_execs,
                                   now - w->check_time, 2 * spawn_cost_.average());
    w->check_execs = w->execs();
    w->check_time = now;
    w->recycle_check = plan.next_check;
    if (plan.start_successor) {
        ++prespawns_;
        log_->debug("worker {}: {} of {} jobs done, starting its successor", w->pid(), w->execs(),
                    w->max_jobs);
        supersede(w, WorkerState::kMaxJobsReached);
    }
}

Awaitable<void> Pool::linger_loop() {
    auto self = shared_from_this();
    while (!stopping_ && !standbys_.empty()) {
        linger_timer_.expires_after(kLinger);
        error_code ec;
        co_await linger_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        const auto now = Clock::now();
        for (const auto& standby : std::vector(standbys_)) {
            Worker* pred = standby->standby_for;
            if (stopping_ || !pred || pred->busy || pred->removed ||
                now - std::max(pred->last_used(), pred->created()) < kLinger) {
                continue;
            }
            auto it = std::find_if(workers_.begin(), workers_.end(),
                                   [pred](const auto& w) { return w.get() == pred; });
            if (it == workers_.end()) {
                continue;
            }
            log_->debug("worker {}: unused for {} ms while its successor waits, stopping it",
                        pred->pid(), to_ms(kLinger));
            pred->transition(WorkerState::kInvalid);
            retire(*it, true);  // its standby takes over
        }
    }
    linger_armed_ = false;
}

std::size_t Pool::base_count() const noexcept {
    std::size_t kept = 0;
    for (const auto& w : workers_) {
        if (!w->extra && !w->superseded) {
            ++kept;
        }
    }
    return kept + (starting_ - extra_starting_);
}

void Pool::supersede(const std::shared_ptr<Worker>& w, WorkerState retire_as) {
    if (w->superseded || w->removed || w->extra || stopping_) {
        return;
    }
    w->superseded = true;
    w->superseded_seq = ++supersede_seq_;
    w->retire_as = retire_as;
    changed_.notify_all();
    replenish();
}

void Pool::replenish() {
    if (stopping_ || options_.debug) {
        return;
    }
    const std::size_t have = base_count();
    if (have >= target_) {
        return;
    }
    std::size_t need = target_ - have;
    const auto now = Clock::now();
    if (backoff_.probing(now)) {
        if (starting_ > extra_starting_) {
            return;  // after a failure, one start at a time until one succeeds
        }
        need = 1;
    }
    if (const auto at = backoff_.next_start(now); at > now) {
        if (!respawn_armed_) {
            respawn_armed_ = true;
            asio::co_spawn(ex_, respawn_later(at), asio::detached);
        }
        return;
    }
    for (std::size_t i = 0; i < need; ++i) {
        ++starting_;  // counted now: replenish() may run again before spawn_one() does
        asio::co_spawn(ex_, spawn_one(), asio::detached);
    }
}

Awaitable<void> Pool::respawn_later(TimePoint at) {
    auto self = shared_from_this();
    respawn_timer_.expires_at(at);
    error_code ec;
    co_await respawn_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    respawn_armed_ = false;
    replenish();
}

Awaitable<void> Pool::spawn_one() {
    auto self = shared_from_this();
    auto w = co_await start_worker();
    if (!w) {
        replenish();  // within the backoff
        co_return;
    }
    take_over(std::move(w.value()));
    trim_surplus();
    replenish();
}

void Pool::take_over(std::shared_ptr<Worker> w) {
    std::shared_ptr<Worker> pred;
    for (const auto& o : workers_) {
        if (stopping_ || !o->superseded || o->handed_over || o->removed) {
            continue;
        }
        // An idle one first (it can leave now), else the one superseded first.
        if (!pred || (pred->busy && !o->busy) ||
            (pred->busy == o->busy && o->superseded_seq < pred->superseded_seq)) {
            pred = o;
        }
    }
    // max_jobs: the successor waits, ready, until its predecessor has served its last job, so
    // the pool keeps num_workers serving workers (one more costs CPU) and no job is lost to an
    // early retirement (starts are the expensive part).
    const bool standby =
        pred && pred->retire_as == WorkerState::kMaxJobsReached && w->generation == generation_;
    adopt(w, /*busy=*/false, /*hold=*/standby);
    if (!pred || pred->removed || w->removed) {
        return;
    }
    pred->handed_over = true;
    changed_.notify_all();
    if (standby) {
        log_->debug("worker {}: ready, standing by for worker {}", w->pid(), pred->pid());
        w->standby_for = pred.get();
        standbys_.push_back(std::move(w));
        if (!linger_armed_) {
            linger_armed_ = true;
            asio::co_spawn(ex_, linger_loop(), asio::detached);
        }
    } else if (!pred->busy) {
        log_->debug("worker {}: replaced by worker {}, stopping it", pred->pid(), w->pid());
        pred->transition(pred->retire_as == WorkerState::kMaxJobsReached ? WorkerState::kInvalid
                                                                         : pred->retire_as);
        retire(std::move(pred), true);
    } else {
        pred->transition(WorkerState::kInvalid);  // leaves after its job
    }
}

void Pool::standby_after_removal(Worker* gone) {
    if (gone->standby_for) {
        // A standby died or was stopped: its predecessor may take another successor.
        gone->standby_for->handed_over = false;
        gone->standby_for = nullptr;
        std::erase_if(standbys_, [gone](const auto& s) { return s.get() == gone; });
        return;
    }
    auto it = std::find_if(standbys_.begin(), standbys_.end(),
                           [gone](const auto& s) { return s->standby_for == gone; });
    if (it == standbys_.end()) {
        return;
    }
    auto standby = std::move(*it);
    standbys_.erase(it);
    standby->standby_for = nullptr;
    if (standby->removed) {
        return;
    }
    if (stopping_) {
        retire(std::move(standby), false);
        return;
    }
    log_->debug("worker {}: takes over from worker {}", standby->pid(), gone->pid());
    offer(std::move(standby));
}

void Pool::trim_surplus() {
    if (stopping_ || options_.debug) {
        return;
    }
    std::size_t kept = 0;
    for (const auto& w : workers_) {
        if (!w->extra && !w->superseded) {
            ++kept;
        }
    }
    while (kept > target_) {
        std::shared_ptr<Worker> victim;
        for (const auto& w : idle_) {  // front = least recently used
            if (!w->extra && !w->superseded) {
                victim = w;
                break;
            }
        }
        if (victim) {
            log_->info("worker {}: removed (num_workers now {})", victim->pid(), target_);
            victim->transition(WorkerState::kDestroyed);
            retire(std::move(victim), false);
        } else {
            for (const auto& w : workers_) {
                if (!w->extra && !w->superseded && w->busy) {
                    victim = w;
                    break;
                }
            }
            if (!victim) {
                return;
            }
            log_->info("worker {}: removed after its job (num_workers now {})", victim->pid(),
                       target_);
            victim->superseded = victim->handed_over = true;  // no successor: it just leaves
            victim->transition(WorkerState::kInvalid);
        }
        --kept;
    }
}

// ---------------------------------------------------------------------------------------------
// Retiring and failures

void Pool::remove_and_track(std::shared_ptr<Worker> w, bool replace, bool graceful) {
    if (w->removed) {
        return;
    }
    w->removed = true;
    w->busy = false;
    const bool idle_exit = w->state() == WorkerState::kStopped;  // found dead between jobs
    const std::string_view reason = stop_reason(w->state(), stopping_, w->extra);
    if (w->extra) {
        --extra_live_;
        replace = false;  // extras are never replaced
    }
    if (auto it = std::find(workers_.begin(), workers_.end(), w); it != workers_.end()) {
        workers_.erase(it);
        if (options_.roster) options_.roster->remove(w->mirror().get());
        live_hint_.store(workers_.size(), std::memory_order_relaxed);
    }
    if (auto it = std::find(idle_.begin(), idle_.end(), w); it != idle_.end()) {
        idle_.erase(it);
        idle_hint_.store(idle_.size(), std::memory_order_relaxed);
    }
    retiring_.push_back(w);
    standby_after_removal(w.get());
    changed_.notify_all();
    if (replace) {
        replenish();  // a superseded worker's successor is already counted
    }
    auto grace = stopping_ ? options_.destroy_timeout : options_.stop_grace;
    asio::co_spawn(
        ex_,
        [self = shared_from_this(), w = std::move(w), graceful, grace, reason,
         idle_exit]() -> Awaitable<void> {
            if (graceful) {
                co_await w->stop(grace);
            } else {
                co_await w->child().wait_exit(Clock::now() + kReapBudget);
            }
            if (!w->exited()) {
                // Should not happen after SIGKILL; keep the zombie guarantee via ~Child.
                self->log_->error("worker {}: did not exit after SIGKILL", w->pid());
            }
            if (w->state() != WorkerState::kDestroyed) {
                w->transition(self->stopping_ ? WorkerState::kDestroyed : WorkerState::kStopped);
            }
            // A worker we did not stop gracefully either ended on its own (an exit status) or
            // was killed (by us: errors, exec_ttl; or by someone else: the status says).
            const int status = w->child().status();
            const bool own_exit = !graceful && status >= 0 && WIFEXITED(status);
            self->log_->info("worker {} {}: {} ({})", w->pid(),
                             graceful ? "stopped" : (own_exit || idle_exit ? "exited" : "killed"),
                             own_exit && !idle_exit ? "process exited during a job" : reason,
                             process::describe_status(status));
            auto it = std::find(self->retiring_.begin(), self->retiring_.end(), w);
            if (it != self->retiring_.end()) {
                self->retiring_.erase(it);
            }
            self->changed_.notify_all();
        },
        asio::detached);
}

void Pool::retire(std::shared_ptr<Worker> w, bool replace) {
    remove_and_track(std::move(w), replace, /*graceful=*/true);
}

void Pool::note_lost(const Worker& w) {
    if (stopping_) {
        return;
    }
    const auto now = Clock::now();
    // A worker that took a job has proved it starts: dying in a job is that request's doing
    // (a fatal error in the app), and it is replaced at once, as upstream does. Counting it
    // would let a run of such requests stall the whole pool in the backoff (the fault suite's
    // stdout_garbage case served nothing for 5 s). Only deaths before any job feed the backoff.
    const bool served = w.execs() > 0;
    if (backoff_.worker_lost(now, now - w.created(), served)) {
        const auto delay = backoff_.delay_for(backoff_.streak(now));
        if (delay > Duration::zero()) {
            log_->warn(
                "worker {} died {} ms after its start; {} failures in a row: next worker "
                "start in {} ms",
                w.pid(), to_ms(now - w.created()), backoff_.streak(now), to_ms(delay));
        }
    }
}

error_code Pool::fail_worker(std::shared_ptr<Worker> w, error_code ec, bool exec_ttl_fired) {
    error_code result;
    if (exec_ttl_fired || w->state() == WorkerState::kExecTtlReached) {
        w->transition(WorkerState::kExecTtlReached);
        log_->warn("worker {}: exec_ttl reached, killed", w->pid());
        result = make_error_code(errc::kExecTtl);
    } else if (is_frame_error(ec)) {
        w->transition(WorkerState::kErrored);
        w->relay().drain_garbage();
        log_->error(
            "worker {}: {}: invalid data found in the relay (possible echo to stdout): "
            "\"{}\"",
            w->pid(), ec.message(), printable(w->relay().garbage()));
        result = ec;
        note_lost(*w);
    } else {
        w->transition(WorkerState::kErrored);
        log_->error("worker {}: {}", w->pid(),
                    w->exited() ? "exited: " + process::describe_status(w->child().status())
                                : ec.message());
        result = make_error_code(errc::kWorkerExited);
        if (ec != errc::kStreamStopped && ec != asio::error::operation_aborted) {
            note_lost(*w);  // died on its own, not killed by us
        }
    }
    w->kill();
    remove_and_track(std::move(w), true, false);
    return result;
}

void Pool::on_worker_exit(std::shared_ptr<Worker> w) {
    if (w->busy || w->removed) {
        return;  // the job holding it (or the retiring coroutine) deals with it
    }
    log_->warn("worker {} exited while idle: {}", w->pid(),
               process::describe_status(w->child().status()));
    note_lost(*w);
    w->transition(WorkerState::kStopped);
    remove_and_track(std::move(w), true, false);
}

// ---------------------------------------------------------------------------------------------
// Supervisor and dynamic allocator

Awaitable<void> Pool::supervisor_loop() {
    auto self = shared_from_this();
    while (!stopping_) {
        supervisor_timer_.expires_after(options_.supervisor.watch_tick);
        error_code ec;
        co_await supervisor_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) {
            break;
        }
        supervise_once(Clock::now());
    }
}

void Pool::supervise_once(TimePoint now) {
    const auto& limits = options_.supervisor;
    auto snapshot = workers_;
    for (auto& w : snapshot) {
        if (w->removed || w->standby_for) {
            continue;
        }
        if (limits.max_worker_memory > 0) {
            w->sample_rss();
        }
        WorkerSnapshot s;
        s.state = w->state();
        s.busy = w->busy;
        s.created = w->created();
        s.last_used = w->last_used();
        s.job_started = w->job_started();
        s.execs = w->execs();
        s.rss_bytes = w->rss_bytes();
        const Decision d = decide(s, now, limits);
        const bool successor_first = options_.recycle_prespawn && !w->extra;
        switch (d.verdict) {
            case Verdict::kKeep:
                break;
            case Verdict::kRetire:
                if (successor_first) {
                    if (!w->superseded) {
                        log_->info("worker {}: {}, starting its replacement", w->pid(),
                                   worker::to_string(d.state));
                        supersede(w, d.state);
                    }
                    break;
                }
                log_->info("worker {}: {}, replacing it", w->pid(), worker::to_string(d.state));
                w->transition(d.state);
                retire(w, true);
                break;
            case Verdict::kMarkInvalid:
                if (successor_first) {
                    if (!w->superseded) {
                        log_->info("worker {}: limit reached while busy, starting its replacement",
                                   w->pid());
                        supersede(w, WorkerState::kInvalid);
                    }
                    break;
                }
                log_->info("worker {}: limit reached while busy, replaced after its job", w->pid());
                w->transition(d.state);
                break;
            case Verdict::kKill:
                w->transition(d.state);
                w->kill();
                break;
        }
    }
}

std::size_t Pool::grow_dynamically() {
    const auto& dyn = options_.dynamic_allocator;
    if (dyn.max_workers == 0 || options_.debug) {
        return 0;
    }
    const std::size_t have = extra_live_ + extra_starting_;
    const std::size_t room = have < dyn.max_workers ? dyn.max_workers - have : 0;
    const std::size_t n = std::min(std::max<std::size_t>(dyn.spawn_rate, 1), room);
    if (n > 0) {
        log_->info("no free worker within allocate_timeout: starting {} extra worker(s)", n);
    }
    for (std::size_t i = 0; i < n; ++i) {
        ++extra_starting_;
        ++starting_;  // both now, so base_count() never sees one without the other
        asio::co_spawn(
            ex_,
            [self = shared_from_this()]() -> Awaitable<void> {
                auto w = co_await self->start_worker();
                --self->extra_starting_;
                if (w) {
                    w.value()->extra = true;
                    ++self->extra_live_;
                    self->adopt(std::move(w.value()), false);
                }
            },
            asio::detached);
    }
    return extra_starting_;
}

Awaitable<void> Pool::extra_reaper_loop() {
    auto self = shared_from_this();
    const auto idle_timeout = options_.dynamic_allocator.idle_timeout;
    while (!stopping_) {
        extra_timer_.expires_after(idle_timeout);
        error_code ec;
        co_await extra_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) {
            break;
        }
        const auto now = Clock::now();
        for (auto& w : std::vector(idle_)) {
            const auto since = std::max(w->last_used(), w->created());
            if (w->extra && !w->busy && now - since >= idle_timeout) {
                log_->info("extra worker {} idle for idle_timeout, stopping it", w->pid());
                w->transition(WorkerState::kIdleTtlReached);
                retire(w, false);
            }
        }
    }
}

}  // namespace rr::pool
