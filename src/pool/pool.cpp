#include "pool/pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <thread>

#include "protocol/control.h"

namespace rr::pool {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr int kMaxStopRetries = 16;
constexpr auto kRespawnDelay = std::chrono::seconds(1);
constexpr auto kReapBudget = std::chrono::seconds(10);

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

}  // namespace

struct Pool::Waiter {
    Waiter(Executor ex, TimePoint deadline, QueuedJob* j) : timer(ex, deadline), job(j) {}
    transport::Timer timer;
    std::shared_ptr<Worker> worker;
    QueuedJob* job;  ///< offer() starts it on the worker it hands over
};

Pool::Pool(Executor ex, PoolOptions options)
    : ex_(ex),
      options_(std::move(options)),
      log_(options_.logger ? options_.logger : spdlog::default_logger()),
      changed_(ex),
      supervisor_timer_(ex),
      extra_timer_(ex) {}

Pool::~Pool() {
    if (listener_) {
        listener_->close();
    }
    // Workers still referenced only by us die with us: Child's destructor SIGKILLs and reaps.
}

Awaitable<Result<std::shared_ptr<Pool>>> Pool::create(Executor ex, PoolOptions options) {
    process::ignore_sigpipe();
    auto pool = std::make_shared<Pool>(ex, std::move(options));
    auto& opt = pool->options_;
    if (opt.relay.empty() || opt.relay == "pipes") {
        pool->relay_address_ = "pipes";
    } else {
        auto listener = transport::SocketListener::listen(ex, opt.relay, opt.allocate_timeout);
        if (!listener) {
            pool->log_->error("relay {}: {}", opt.relay, listener.error().message());
            co_return listener.error();
        }
        pool->listener_ = listener.value();
        pool->relay_address_ = pool->listener_->address();
    }
    auto& wo = pool->worker_options_;
    wo.spawn = opt.spawn;
    wo.spawn.env.emplace_back("RR_RELAY", pool->relay_address_);
    wo.listener = pool->listener_;
    wo.stderr_logger = opt.server_logger;
    wo.start_timeout = opt.allocate_timeout;
    if (opt.debug) {
        pool->target_ = 0;
    } else {
        pool->target_ = opt.num_workers > 0 ? opt.num_workers
                                            : std::max(1u, std::thread::hardware_concurrency());
    }

    // Start all workers in parallel; PHP boot time dominates.
    std::size_t pending = pool->target_;
    error_code first_error;
    transport::AsyncEvent done(ex);
    for (std::size_t i = 0; i < pool->target_; ++i) {
        asio::co_spawn(
            ex,
            [pool, &pending, &first_error, &done]() -> Awaitable<void> {
                auto w = co_await pool->start_worker();
                if (w) {
                    pool->add_worker(std::move(w.value()), false);
                } else if (!first_error) {
                    first_error = w.error();
                }
                --pending;
                done.notify_all();
            },
            asio::detached);
    }
    while (pending > 0) {
        co_await done.wait_until(TimePoint::max());
    }
    if (first_error) {
        co_await pool->destroy();
        co_return first_error;
    }
    if (opt.supervisor.needs_tick() && opt.supervisor.watch_tick.count() > 0) {
        asio::co_spawn(ex, pool->supervisor_loop(), asio::detached);
    }
    if (opt.dynamic_allocator.max_workers > 0 && !opt.debug) {
        asio::co_spawn(ex, pool->extra_reaper_loop(), asio::detached);
    }
    co_return pool;
}

// ---------------------------------------------------------------------------------------------
// Worker lifecycle

Awaitable<Result<std::shared_ptr<Worker>>> Pool::start_worker() {
    ++starting_;
    std::string detail;
    auto w = co_await Worker::start(ex_, worker_options_, &detail);
    --starting_;
    changed_.notify_all();  // destroy() waits for spawns in flight
    if (!w) {
        log_->error("failed to start a worker: {}: {}", w.error().message(), detail);
    } else {
        log_->debug("worker {} started", w.value()->pid());
    }
    co_return w;
}

void Pool::add_worker(std::shared_ptr<Worker> w, bool busy) {
    w->generation = generation_;
    unsigned r = 0;
    if (options_.max_jobs_jitter) {
        jitter_seed_ = jitter_seed_ * 1103515245u + 12345u;
        r = (jitter_seed_ >> 16) % 15;
    }
    w->max_jobs = max_jobs_with_jitter(options_.max_jobs, r);
    workers_.push_back(w);
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
    offer(std::move(w));
}

void Pool::offer(std::shared_ptr<Worker> w, TimePoint now) {
    if (!waiters_.empty()) {
        Waiter* waiter = waiters_.front();
        waiters_.pop_front();
        w->busy = true;
        // The job goes into the worker's pipe now, not when the waiter's coroutine runs: that
        // only happens after the caller (typically a job that just got its answer) has sent its
        // response to its client, and the worker would sit idle meanwhile.
        if (waiter->job && waiter->job->payload) {
            waiter->job->start_ec = start_job(*w, *waiter->job->payload, now);
            waiter->job->started = true;
        }
        waiter->worker = std::move(w);
        waiter->timer.cancel();  // queues the waiter's resumption
        return;
    }
    idle_.push_back(std::move(w));
}

void Pool::start_replacement() {
    asio::co_spawn(ex_, replacement_loop(), asio::detached);
}

Awaitable<void> Pool::replacement_loop() {
    auto self = shared_from_this();
    while (!stopping_ && base_count() < target_) {
        auto w = co_await start_worker();
        if (w) {
            add_worker(std::move(w.value()), false);
            co_return;
        }
        // Upstream retries every second; it panics after allocate_timeout, we keep trying and
        // keep logging: queued jobs fail with kNoFreeWorkers meanwhile.
        transport::Timer delay(ex_, Clock::now() + kRespawnDelay);
        error_code ec;
        co_await delay.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void Pool::remove_and_track(std::shared_ptr<Worker> w, bool replace, bool graceful) {
    if (w->removed) {
        return;
    }
    w->removed = true;
    w->busy = false;
    if (w->extra) {
        --extra_live_;
        replace = false;  // extras are never replaced
    }
    if (auto it = std::find(workers_.begin(), workers_.end(), w); it != workers_.end()) {
        workers_.erase(it);
    }
    if (auto it = std::find(idle_.begin(), idle_.end(), w); it != idle_.end()) {
        idle_.erase(it);
    }
    retiring_.push_back(w);
    changed_.notify_all();
    if (replace && !stopping_ && !options_.debug) {
        start_replacement();
    }
    auto grace = stopping_ ? options_.destroy_timeout : options_.stop_grace;
    asio::co_spawn(
        ex_,
        [self = shared_from_this(), w = std::move(w), graceful, grace]() -> Awaitable<void> {
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
            self->log_->debug("worker {} gone: {}", w->pid(),
                              process::describe_status(w->child().status()));
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

void Pool::release(std::shared_ptr<Worker> w) {
    w->busy = false;
    const auto now = Clock::now();  // also the next job's start when w goes to a waiter
    w->set_last_used(now);
    if (w->exited()) {
        w->transition(WorkerState::kStopped);
        remove_and_track(std::move(w), true, false);
        return;
    }
    if (w->state() == WorkerState::kWorking) {
        if (w->max_jobs > 0 && w->execs() >= w->max_jobs) {
            w->transition(WorkerState::kMaxJobsReached);
        } else if (w->generation != generation_ || stopping_ || options_.debug) {
            w->transition(WorkerState::kInvalid);
        } else {
            w->transition(WorkerState::kReady);
        }
    }
    if (w->state() == WorkerState::kReady && !w->removed) {
        offer(std::move(w), now);
        return;
    }
    retire(std::move(w), true);
}

error_code Pool::start_job(Worker& w, const Payload& payload, TimePoint now) {
    w.transition(WorkerState::kWorking);
    w.count_exec();
    w.set_job_started(now == TimePoint{} ? Clock::now() : now);
    const std::uint32_t context_size = static_cast<std::uint32_t>(payload.context.size());
    const std::string_view parts[] = {payload.context, payload.body};
    return w.relay().try_write_frame(payload.codec, 0, {&context_size, 1}, parts);
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
    } else {
        w->transition(WorkerState::kErrored);
        log_->error("worker {}: {}", w->pid(),
                    w->exited() ? "exited: " + process::describe_status(w->child().status())
                                : ec.message());
        result = make_error_code(errc::kWorkerExited);
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
    w->transition(WorkerState::kStopped);
    remove_and_track(std::move(w), true, false);
}

// ---------------------------------------------------------------------------------------------
// Jobs

std::shared_ptr<Worker> Pool::try_take_idle() {
    while (!idle_.empty()) {
        auto w = std::move(idle_.back());
        idle_.pop_back();
        if (w->exited() || w->state() != WorkerState::kReady) {
            retire(std::move(w), true);
            continue;
        }
        w->busy = true;
        return w;
    }
    return nullptr;
}

Awaitable<Result<std::shared_ptr<Worker>>> Pool::take_worker(TimePoint deadline, QueuedJob* job) {
    if (options_.max_queue_size > 0 && waiters_.size() >= options_.max_queue_size) {
        co_return make_error_code(errc::kQueueFull);
    }
    Waiter waiter(ex_, deadline, job);
    waiters_.push_back(&waiter);
    error_code ec;
    co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (auto it = std::find(waiters_.begin(), waiters_.end(), &waiter); it != waiters_.end()) {
        waiters_.erase(it);
    }
    if (!waiter.worker && !stopping_ && grow_dynamically() > 0) {
        // Dynamic allocator: wait once more, at the head of the queue, for a new worker.
        waiter.timer.expires_at(Clock::now() + options_.allocate_timeout);
        waiters_.push_front(&waiter);
        co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (auto it = std::find(waiters_.begin(), waiters_.end(), &waiter); it != waiters_.end()) {
            waiters_.erase(it);
        }
    }
    if (waiter.worker) {
        co_return std::move(waiter.worker);
    }
    if (stopping_) {
        co_return make_error_code(errc::kPoolStopped);
    }
    ++no_free_workers_;
    co_return make_error_code(errc::kNoFreeWorkers);
}

Awaitable<error_code> Pool::send_pong(Worker& w) {
    co_return co_await w.relay().write_frame(0, protocol::stream_bit::kPong, {}, {});
}

Awaitable<Result<ResponseStream>> Pool::exec_stream(const Payload& payload,
                                                    std::string* worker_error) {
    if (stopping_) {
        co_return make_error_code(errc::kPoolStopped);
    }
    if (payload.context.empty() && payload.body.empty()) {
        co_return make_error_code(errc::kEmptyPayload);
    }
    auto self = shared_from_this();
    for (int attempt = 0;; ++attempt) {
        std::shared_ptr<Worker> w;
        QueuedJob queued;
        queued.payload = &payload;
        if (options_.debug) {
            auto started = co_await start_worker();
            if (!started) {
                co_return started.error();
            }
            w = std::move(started.value());
            add_worker(w, /*busy=*/true);
        } else if (w = try_take_idle(); !w) {  // no coroutine frame when a worker is idle
            auto taken = co_await take_worker(Clock::now() + options_.allocate_timeout, &queued);
            if (!taken) {
                co_return taken.error();
            }
            w = std::move(taken.value());
        }
        // A queued job was started by offer() when it got the worker.
        error_code sent = queued.started ? queued.start_ec : start_job(*w, payload);
        // Only when exec_ttl is set: constructing its timer costs ~200 instructions a job.
        std::optional<transport::Watchdog> ttl;
        if (options_.supervisor.exec_ttl.count() > 0) {
            ttl.emplace(ex_);
            ttl->arm(w->job_started() + options_.supervisor.exec_ttl,
                     [raw = w.get()] { raw->kill(); });
        }
        const auto ttl_fired = [&ttl] { return ttl && ttl->fired(); };
        if (sent == asio::error::would_block) {
            sent = co_await w->relay().finish_write();
        }
        if (sent) {
            co_return fail_worker(std::move(w), sent, ttl_fired());
        }
        // One direct read() first: when the worker shares our CPU, waking it with the write
        // above let it preempt us and answer, so the answer is usually there and is taken
        // without an Asio operation (paired quick run, pinned: +2 %, rr CPU −0.3 µs/request;
        // across CPUs the read fails with EAGAIN and costs ~0.3 µs). The reactor is awaited
        // here, not inside Relay::read_frame, to save that coroutine frame per job.
        auto& relay = w->relay();
        auto frame = relay.try_read_frame(options_.max_payload, /*direct=*/true);
        while (!frame && frame.error() == asio::error::would_block) {
            if (relay.large_frame_pending()) {
                frame = co_await relay.read_frame(options_.max_payload);
                break;
            }
            error_code read_ec;
            const std::size_t got = co_await relay.read_more(read_ec);
            if (auto e = relay.commit_read(got, read_ec); e) {
                frame = e;
                break;
            }
            frame = relay.try_read_frame(options_.max_payload, /*direct=*/true);
        }
        if (ttl) {
            ttl->disarm();
        }
        if (!frame) {
            co_return fail_worker(std::move(w), frame.error(), ttl_fired());
        }
        auto& f = frame.value();
        if (f.header.has_flag(protocol::flag::kError)) {
            log_->warn("worker {}: job error: {}", w->pid(), f.payload);
            if (worker_error) {
                *worker_error = std::move(f.payload);
            }
            release(std::move(w));
            co_return make_error_code(errc::kWorkerSoftError);
        }
        if (f.header.option_count != 1 || f.options[0] > f.payload.size()) {
            co_return fail_worker(std::move(w), make_error_code(errc::kFrameBadOptions), false);
        }
        if (f.options[0] == f.payload.size() && f.payload == protocol::kStopJson &&
            !f.header.has_stream_bit(protocol::stream_bit::kStream)) {
            log_->info("worker {} asked to be restarted; the job goes to another worker", w->pid());
            w->transition(WorkerState::kInvalid);
            release(std::move(w));
            if (attempt + 1 >= kMaxStopRetries) {
                co_return make_error_code(errc::kWorkerStopRequested);
            }
            continue;
        }
        Response r;
        r.context_size = f.options[0];
        r.flags = f.header.flags;
        r.byte10 = f.header.byte10;
        r.payload = std::move(f.payload);
        if (f.header.has_stream_bit(protocol::stream_bit::kPing)) {
            if (auto ec = co_await send_pong(*w); ec) {
                co_return fail_worker(std::move(w), ec, false);
            }
        }
        if (!r.more()) {
            release(std::move(w));
            co_return ResponseStream(std::move(self), nullptr, std::move(r));
        }
        co_return ResponseStream(std::move(self), std::move(w), std::move(r));
    }
}

Awaitable<Result<Response>> Pool::exec(const Payload& payload, std::string* worker_error) {
    auto stream = co_await exec_stream(payload, worker_error);
    if (!stream) {
        co_return stream.error();
    }
    auto& s = stream.value();
    auto first = co_await s.next();
    if (!first) {
        co_return first.error();
    }
    Response r = std::move(first.value());
    while (!s.finished()) {
        auto next = co_await s.next();
        if (!next) {
            if (worker_error) {
                *worker_error = s.worker_error();
            }
            co_return next.error();
        }
        r.payload.append(next.value().body());
        r.byte10 = next.value().byte10;
    }
    co_return r;
}

Awaitable<void> Pool::drain_stream(std::shared_ptr<Worker> w) {
    auto self = shared_from_this();
    transport::Watchdog timeout(ex_);
    timeout.arm(Clock::now() + options_.stream_timeout, [raw = w.get()] { raw->relay().cancel(); });
    auto ec = co_await w->relay().write_frame(0, protocol::stream_bit::kStop, {}, {});
    bool clean_end = false;
    while (!ec) {
        auto f = co_await w->relay().read_frame(options_.max_payload);
        if (!f) {
            ec = f.error();
            break;
        }
        // Upstream does not answer PINGs while draining; a PHP worker waiting for its PONG then
        // never sees the STOP and is killed at stream_timeout. Answering costs nothing.
        if (f.value().header.has_stream_bit(protocol::stream_bit::kPing)) {
            ec = co_await send_pong(*w);
        }
        if (f.value().header.has_flag(protocol::flag::kError)) {
            break;  // stream ended by an error: retire the worker below
        }
        if (!f.value().header.has_stream_bit(protocol::stream_bit::kStream)) {
            clean_end = true;
            break;
        }
    }
    const bool timed_out = timeout.fired();
    timeout.disarm();
    if (!clean_end && (ec || timed_out)) {
        if (timed_out) {
            log_->warn("worker {}: stream not stopped within stream_timeout, killed", w->pid());
        }
        fail_worker(std::move(w), ec ? ec : make_error_code(errc::kStreamStopped), false);
        co_return;
    }
    if (!clean_end) {
        w->transition(WorkerState::kInvalid);
    }
    release(std::move(w));
}

// ---------------------------------------------------------------------------------------------
// Supervisor, reset, destroy, informer

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
        if (w->removed) {
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
        switch (d.verdict) {
            case Verdict::kKeep:
                break;
            case Verdict::kRetire:
                log_->info("worker {}: {}, replacing it", w->pid(), worker::to_string(d.state));
                w->transition(d.state);
                retire(w, true);
                break;
            case Verdict::kMarkInvalid:
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

std::size_t Pool::base_count() const noexcept {
    return (workers_.size() - extra_live_) + (starting_ - extra_starting_);
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
        asio::co_spawn(
            ex_,
            [self = shared_from_this()]() -> Awaitable<void> {
                auto w = co_await self->start_worker();
                --self->extra_starting_;
                if (w) {
                    w.value()->extra = true;
                    ++self->extra_live_;
                    self->add_worker(std::move(w.value()), false);
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

Awaitable<Result<void>> Pool::reset() {
    if (stopping_) {
        co_return make_error_code(errc::kPoolStopped);
    }
    auto self = shared_from_this();
    const auto deadline = Clock::now() + options_.reset_timeout;
    const auto old_generation = generation_++;
    auto idle = std::move(idle_);
    idle_.clear();
    for (auto& w : idle) {
        w->transition(WorkerState::kInvalid);
        retire(std::move(w), true);
    }
    auto old_left = [&] {
        return std::any_of(workers_.begin(), workers_.end(),
                           [&](const auto& w) { return w->generation <= old_generation; });
    };
    while ((old_left() || !retiring_.empty()) && Clock::now() < deadline && !stopping_) {
        co_await changed_.wait_until(deadline);
    }
    for (auto& w : std::vector(workers_)) {
        if (w->generation <= old_generation) {
            log_->warn("worker {}: still busy after reset_timeout, killed", w->pid());
            w->kill();
        }
    }
    for (auto& w : std::vector(retiring_)) {
        w->kill();
    }
    while (workers_.size() < target_ && Clock::now() < deadline && !stopping_) {
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
        if (listener_) {
            listener_->close();  // socket workers still starting fail at once
        }
        for (Waiter* w : waiters_) {
            w->timer.cancel();
        }
        waiters_.clear();
        auto idle = std::move(idle_);
        idle_.clear();
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
    return s;
}

std::vector<std::string> Pool::advertised_codecs() const {
    for (const auto& w : workers_) {
        if (!w->codecs().empty()) return w->codecs();
    }
    return {};
}

}  // namespace rr::pool
