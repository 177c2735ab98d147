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

}  // namespace

Pool::Pool(Executor ex, PoolOptions options)
    : ex_(ex),
      options_(std::move(options)),
      log_(options_.logger ? options_.logger : spdlog::default_logger()),
      backoff_(options_.respawn),
      changed_(ex),
      supervisor_timer_(ex),
      extra_timer_(ex),
      respawn_timer_(ex),
      linger_timer_(ex) {}

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
        ++pool->starting_;  // start_worker() counts it down
        asio::co_spawn(
            ex,
            [pool, &pending, &first_error, &done]() -> Awaitable<void> {
                auto w = co_await pool->start_worker();
                if (w) {
                    pool->adopt(std::move(w.value()), false);
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
// Jobs

void Pool::offer(std::shared_ptr<Worker> w, TimePoint now) {
    if (!waiters_.empty()) {
        Waiter* waiter = waiters_.front();
        waiters_.pop_front();
        waiter->queued = false;
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
    idle_hint_.store(idle_.size(), std::memory_order_relaxed);
}

void Pool::release(std::shared_ptr<Worker> w) {
    w->busy = false;
    const auto now = Clock::now();  // also the next job's start when w goes to a waiter
    w->set_last_used(now);
    if (w->exited()) {
        note_lost(*w);
        w->transition(WorkerState::kStopped);
        remove_and_track(std::move(w), true, false);
        return;
    }
    if (w->state() == WorkerState::kWorking) {
        // One comparison per job: recycle_check is max_jobs, a prespawn check point, or 0 when
        // every release must look closer (debug, destroy, a worker on its way out).
        if (w->execs() < w->recycle_check) [[likely]] {
            w->transition(WorkerState::kReady);
        } else {
            recycle_point(w, now);
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

error_code Pool::lost(error_code cause, std::string* worker_error, error_code* cause_out) {
    if (cause_out) {
        *cause_out = cause;
    }
    if (worker_error) {
        *worker_error = cause.message();
    }
    return make_error_code(errc::kWorkerLost);
}

std::shared_ptr<Worker> Pool::try_take_idle() {
    while (!idle_.empty()) {
        auto w = std::move(idle_.back());
        idle_.pop_back();
        idle_hint_.store(idle_.size(), std::memory_order_relaxed);
        if (w->exited() || w->state() != WorkerState::kReady) {
            retire(std::move(w), true);
            continue;
        }
        w->busy = true;
        return w;
    }
    return nullptr;
}

void Pool::unqueue(Waiter& waiter) {
    // A waiter that got a worker was taken off the front by offer(); only one that timed out
    // (or whose wait was cut short) is still in the queue and needs the search.
    if (!waiter.queued) return;
    waiter.queued = false;
    if (auto it = std::find(waiters_.begin(), waiters_.end(), &waiter); it != waiters_.end()) {
        waiters_.erase(it);
    }
}

Awaitable<Result<std::shared_ptr<Worker>>> Pool::take_worker(TimePoint deadline, QueuedJob* job) {
    if (options_.max_queue_size > 0 && waiters_.size() >= options_.max_queue_size) {
        co_return make_error_code(errc::kQueueFull);
    }
    Waiter waiter(ex_, deadline, job);
    waiters_.push_back(&waiter);
    waiter.queued = true;
    error_code ec;
    co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    unqueue(waiter);
    if (!waiter.worker && !stopping_ && grow_dynamically() > 0) {
        // Dynamic allocator: wait once more, at the head of the queue, for a new worker.
        waiter.timer.expires_at(Clock::now() + options_.allocate_timeout);
        waiters_.push_front(&waiter);
        waiter.queued = true;
        co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        unqueue(waiter);
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
                                                    std::string* worker_error, error_code* cause) {
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
            ++starting_;  // start_worker() counts it down
            auto started = co_await start_worker();
            if (!started) {
                co_return started.error();
            }
            w = std::move(started.value());
            adopt(w, /*busy=*/true);
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
            co_return lost(fail_worker(std::move(w), sent, ttl_fired()), worker_error, cause);
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
            co_return lost(fail_worker(std::move(w), frame.error(), ttl_fired()), worker_error,
                           cause);
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
            co_return lost(
                fail_worker(std::move(w), make_error_code(errc::kFrameBadOptions), false),
                worker_error, cause);
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
                co_return lost(fail_worker(std::move(w), ec, false), worker_error, cause);
            }
        }
        if (!r.more()) {
            release(std::move(w));
            co_return ResponseStream(std::move(self), nullptr, std::move(r));
        }
        co_return ResponseStream(std::move(self), std::move(w), std::move(r));
    }
}

Awaitable<Result<Response>> Pool::exec(const Payload& payload, std::string* worker_error,
                                       error_code* cause) {
    auto stream = co_await exec_stream(payload, worker_error, cause);
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

}  // namespace rr::pool
