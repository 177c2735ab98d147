#pragma once
// The worker pool (PROTOCOL.md §3, §6; BEHAVIOUR.md §1.8, §3.13, §3.14). See docs/pool.md.
//
// Threads: the pool, its workers and their relays live on ONE io_context thread, the same one
// that runs the HTTP connections. exec() runs inside the caller's coroutine: it takes an idle
// worker, writes the request to the worker's pipe and reads the answer itself, so a request
// costs no queue hop and no cross-thread wake-up. Only when every worker is busy does the
// caller park in a FIFO wait list (up to allocate_timeout); a released worker is handed to the
// first waiter directly.
//
// Thread safety / executor: io_context thread only — every member function, and the
// ResponseStream objects, must be used from the coroutines/handlers of that io_context.
//
// Errors (error_code with rr::errc) returned by exec()/exec_stream():
//   kPoolStopped       destroy() started (or the pool is being destroyed)
//   kEmptyPayload      neither context nor body
//   kQueueFull         max_queue_size jobs are already waiting
//   kNoFreeWorkers     no worker became free within allocate_timeout (HTTP: No-Workers: true)
//   kWorkerSoftError   the worker answered an ERROR frame; the text goes to *worker_error; the
//                      worker is kept
//   kWorkerLost        the worker died, was killed (exec_ttl) or sent a broken frame BEFORE any
//                      frame of its answer was delivered: nothing reached the caller, so the job
//                      may be run again elsewhere (safe-retry). The worker was replaced. The cause
//                      (kWorkerExited, kExecTtl, EPIPE, kFrameCrcMismatch, ...) goes to *cause and
//                      its text to *worker_error.
//   kWorkerStopRequested  16 workers in a row answered {"stop":true} to the same job
//   kSpawnFailed, kHandshakeTimeout, kHandshakeFailed   debug mode: the per-job worker failed
// ResponseStream::next() (frames after the first, i.e. after something was delivered) reports
// the cause itself: kExecTtl, kWorkerExited, frame errors (kFrameCrcMismatch, ...).

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "pool/informer.h"
#include "pool/recycling.h"
#include "pool/supervisor.h"
#include "process/spawn.h"
#include "protocol/frame.h"
#include "transport/async_event.h"
#include "transport/socket_listener.h"
#include "transport/types.h"
#include "worker/worker.h"

namespace rr::pool {

using transport::Awaitable;
using transport::Clock;
using transport::Executor;
using worker::Worker;
using worker::WorkerInfo;
using worker::WorkerState;

/// `pool.dynamic_allocator` (RR 2024.3+, PROTOCOL.md §6.1, BEHAVIOUR.md §3.13): when a job found
/// no free worker within allocate_timeout, up to `spawn_rate` extra workers are started (at most
/// `max_workers` extras alive) and the job waits once more, up to allocate_timeout, for one of
/// them. Extras idle for `idle_timeout` are stopped; extras are never replaced.
struct DynamicAllocatorOptions {
    std::size_t max_workers = 0;  ///< 0 = off (the section is absent)
    std::size_t spawn_rate = 5;
    std::chrono::steady_clock::duration idle_timeout = std::chrono::minutes(1);
};

/// Plain options; the server/http plugins map their config onto this (STYLE §11.5 rule 2).
struct PoolOptions {
    /// Command, environment (see process::worker_env: RR_RPC, RR_MODE, RR_VERSION, server.env),
    /// cwd, user/group. RR_RELAY is set by the pool from `relay` (actual bound address).
    process::SpawnOptions spawn;
    std::string relay = "pipes";  ///< "pipes", "tcp://host:port" (port 0 ok), "unix://path"
    std::size_t num_workers = 0;  ///< 0 = number of CPUs
    std::uint64_t max_jobs = 0;   ///< 0 = unlimited
    bool max_jobs_jitter = true;  ///< RR 2024.1+ jitter (+0..14 %); off keeps it exact
    std::chrono::steady_clock::duration allocate_timeout = std::chrono::seconds(60);
    std::chrono::steady_clock::duration reset_timeout = std::chrono::seconds(60);
    std::chrono::steady_clock::duration destroy_timeout = std::chrono::seconds(60);
    std::chrono::steady_clock::duration stream_timeout = std::chrono::seconds(60);
    /// Grace between the stop command and SIGKILL when a single worker is retired
    /// (upstream hard-codes 10 s).
    std::chrono::steady_clock::duration stop_grace = std::chrono::seconds(10);
    std::size_t max_queue_size = 0;  ///< 0 = unlimited
    bool debug = false;              ///< a fresh worker per job, stopped after it
    /// Present ⇒ supervised (watch_tick is used only when some limit is set).
    SupervisorOptions supervisor;
    DynamicAllocatorOptions dynamic_allocator;
    std::size_t max_payload = 0xFFFFFFFFu;          ///< largest worker frame accepted
    std::shared_ptr<spdlog::logger> logger;         ///< pool events; null = spdlog default
    std::shared_ptr<spdlog::logger> server_logger;  ///< worker stderr lines (info); null = drop
    /// Recycling (max_jobs, ttl, idle_ttl, max_worker_memory) starts the successor BEFORE the
    /// worker retires, so the pool never has fewer than num_workers ready workers because of it
    /// (briefly one more process per worker being recycled). Off: retire first, then start the
    /// replacement (upstream's order). `rr reset` is rolling either way.
    bool recycle_prespawn = true;
    /// Rate limit for starts after failures (failed starts, workers dying young).
    RespawnOptions respawn;
    /// informer.AddWorker refuses to grow num_workers beyond this (upstream: 500).
    std::size_t add_worker_limit = 500;
    /// Workers join it while in the pool's list (metrics scrapes read it from their thread);
    /// null = none. Pools of several loops may share one.
    std::shared_ptr<worker::WorkerRoster> roster;
    /// Test seam: starts one worker (null = worker::Worker::start).
    std::function<Awaitable<Result<std::shared_ptr<Worker>>>(Executor, const worker::WorkerOptions&,
                                                             std::string* detail)>
        spawner;
};

/// A job. Views only: the bytes must stay valid until exec()/exec_stream() completes (a retried
/// job is re-sent from them). Requests with 1 GB bodies are never copied.
struct Payload {
    std::string_view context;
    std::string_view body;
    std::uint8_t codec = protocol::flag::kCodecJson;  ///< frame flags (HTTP: JSON or PROTO)
};

/// One frame of a worker's answer.
struct Response {
    std::string payload;  ///< context ‖ body
    std::size_t context_size = 0;
    std::uint8_t flags = 0;  ///< the worker's codec flags
    std::uint8_t byte10 = 0;

    std::string_view context() const noexcept {
        return std::string_view(payload).substr(0, context_size);
    }
    std::string_view body() const noexcept {
        return std::string_view(payload).substr(context_size);
    }
    /// More frames of this response follow (STREAM bit).
    bool more() const noexcept { return (byte10 & protocol::stream_bit::kStream) != 0; }
};

class Pool;

/// The frames of one answer, in order, as they arrive (PROTOCOL.md §3.6). Move-only.
/// The first frame was already read by exec_stream(). While frames remain, the stream holds its
/// worker; stop() (or destroying the stream early) sends STOP and drains the rest within
/// stream_timeout, answering PINGs, then returns the worker — or kills it if the drain fails.
class ResponseStream {
public:
    ResponseStream() = default;
    ResponseStream(ResponseStream&& other) noexcept;
    /// An unfinished stream being overwritten is drained first, as on destruction.
    ResponseStream& operator=(ResponseStream&& other) noexcept;
    ResponseStream(const ResponseStream&) = delete;
    ResponseStream& operator=(const ResponseStream&) = delete;
    ~ResponseStream();

    /// True when every frame has been returned (or the stream failed/stopped).
    bool finished() const noexcept { return !has_first_ && !worker_; }

    /// The next frame. PINGs are answered with PONG before the frame is returned. Errors:
    /// kStreamStopped (already finished), kWorkerSoftError (ERROR frame mid-stream: text in
    /// worker_error(), the worker is retired), kExecTtl, kWorkerExited, frame errors.
    Awaitable<Result<Response>> next();

    /// The consumer went away: STOP + drain (see class comment). Idempotent.
    Awaitable<void> stop();

    const std::string& worker_error() const noexcept { return worker_error_; }

private:
    friend class Pool;
    ResponseStream(std::shared_ptr<Pool> pool, std::shared_ptr<Worker> worker, Response first);
    void abandon() noexcept;

    std::shared_ptr<Pool> pool_;
    std::shared_ptr<Worker> worker_;  ///< set while the worker still owes frames
    Response first_;
    bool has_first_ = false;
    std::string worker_error_;
};

/// Counters for status/metrics.
struct PoolStats {
    std::size_t workers = 0;  ///< live workers (ready + busy)
    std::size_t ready = 0;    ///< idle, can take a job now
    std::size_t busy = 0;
    std::size_t queued = 0;             ///< jobs waiting for a worker
    std::size_t starting = 0;           ///< spawns in flight
    std::size_t extra = 0;              ///< dynamic-allocator workers alive
    std::uint64_t no_free_workers = 0;  ///< allocate_timeout expiries so far
    std::size_t target = 0;             ///< num_workers now (informer.AddWorker/RemoveWorker)
    std::size_t superseded = 0;         ///< live workers whose successor is starting or waiting
    std::size_t standby = 0;            ///< ready successors waiting for their predecessor
    std::uint64_t prespawns = 0;        ///< successors started before their worker retired
};

class Pool : public WorkerInformer, public std::enable_shared_from_this<Pool> {
public:
    /// Starts `num_workers` workers (in parallel) and returns once all are ready.
    /// Errors: the first worker's start error (kSpawnFailed, kHandshakeTimeout, ...), or the
    /// relay listener's bind error. On error every started process is stopped.
    static Awaitable<Result<std::shared_ptr<Pool>>> create(Executor ex, PoolOptions options);

    /// Runs one job and returns the whole answer; a streamed answer is collected (context of
    /// the first frame, bodies concatenated). Errors: see the file comment.
    Awaitable<Result<Response>> exec(const Payload& payload, std::string* worker_error = nullptr,
                                     boost::system::error_code* cause = nullptr);

    /// Runs one job and returns its frames as they arrive. Errors: see the file comment; with
    /// kWorkerLost, `*cause` receives what happened to the worker.
    Awaitable<Result<ResponseStream>> exec_stream(const Payload& payload,
                                                  std::string* worker_error = nullptr,
                                                  boost::system::error_code* cause = nullptr);

    /// Rolling replacement of every worker (`rr reset`, resetter.Reset):
    /// one at a time, a new worker is started and handshaken before an old one leaves; an old
    /// worker that is busy finishes its job first; jobs keep flowing. At reset_timeout the old
    /// workers still running a job are killed; old workers whose successor could not start keep
    /// serving and are replaced as soon as a start succeeds. Logs the duration at info.
    /// Errors: kPoolStopped; the last start error when a successor could not be started.
    Awaitable<Result<void>> reset();

    /// informer.AddWorker: num_workers + 1 and one worker started (returns once it is ready).
    /// Errors: kMaxWorkers (num_workers is already add_worker_limit), kPoolStopped, the start error
    /// after allocate_timeout (num_workers is restored). Debug mode: a warning, nothing done.
    Awaitable<Result<void>> add_worker();
    /// informer.RemoveWorker: num_workers − 1 and one worker stopped (an idle one now, else a
    /// busy one after its job). The last worker is never removed (a warning, success).
    /// Errors: kPoolStopped. Debug mode: a warning, nothing done.
    Awaitable<Result<void>> remove_worker();

    /// Graceful shutdown: no new jobs (waiters fail with kPoolStopped), idle workers get the
    /// stop command, busy ones finish within destroy_timeout, then everything left is
    /// SIGKILLed. Completes when every worker process is reaped.
    Awaitable<void> destroy();

    /// informer.Workers: one entry per live worker (RSS sampled now).
    std::vector<WorkerInfo> workers() override;
    PoolStats stats() const;
    /// Idle (ready) workers and live workers as last published by the pool's thread: readable
    /// from any thread (http.io_threads: a loop picks another shard to run a job on; the status
    /// plugin sums the shards). A hint: it may be stale by the time the caller acts on it.
    std::size_t idle_hint() const noexcept { return idle_hint_.load(std::memory_order_relaxed); }
    std::size_t live_hint() const noexcept { return live_hint_.load(std::memory_order_relaxed); }
    /// Request codecs advertised by the workers (those of a live worker; empty when none is
    /// alive or the library does not advertise). All workers run the same program.
    std::vector<std::string> advertised_codecs() const;
    /// The relay address workers were given (RR_RELAY).
    const std::string& relay_address() const noexcept { return relay_address_; }
    const PoolOptions& options() const noexcept { return options_; }

    Pool(Executor ex, PoolOptions options);
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;
    ~Pool();

private:
    friend class ResponseStream;
    /// A job waiting for a worker; offer() starts it (start_job) when it hands one over.
    struct QueuedJob {
        const Payload* payload = nullptr;
        bool started = false;
        boost::system::error_code start_ec;  ///< start_job()'s result
    };
    /// An entry of waiters_: its timer is the allocate_timeout and the wake-up.
    struct Waiter {
        Waiter(Executor ex, TimePoint deadline, QueuedJob* j) : timer(ex, deadline), job(j) {}
        transport::Timer timer;
        std::shared_ptr<Worker> worker;
        QueuedJob* job;       ///< offer() starts it on the worker it hands over
        bool queued = false;  ///< in waiters_ (offer() and stop take it out without a search)
    };

    // ---- jobs (pool.cpp: the hot path) ----
    // Worker pointers are taken by value on purpose: several of these erase the pool's own
    // reference, and the caller's argument may be that very reference.
    /// The first worker released within `deadline` (FIFO); for callers that found no idle one
    /// with try_take_idle() just before. When the caller passed a `job`, offer() has already
    /// started it on the worker it handed over (job->started / job->start_ec), so the frame
    /// reached the worker before the releasing coroutine went on to deliver its own answer.
    Awaitable<Result<std::shared_ptr<Worker>>> take_worker(TimePoint deadline,
                                                           QueuedJob* job = nullptr);
    /// The most recently used idle worker (marked busy), or null; retires dead ones found.
    std::shared_ptr<Worker> try_take_idle();
    /// Takes `waiter` out of waiters_ if it is still there (it timed out or was woken early).
    void unqueue(Waiter& waiter);
    /// Gives `w` to the first waiter (starting its job, see take_worker) or puts it in idle_.
    /// `now`: a clock reading the caller already has (default: read when needed).
    void offer(std::shared_ptr<Worker> w, TimePoint now = {});
    /// A job is done with `w`: back to ready (offer) unless its exec count reached its
    /// recycle_check (then recycle_point() decides) or it is to be retired.
    void release(std::shared_ptr<Worker> w);
    /// Marks `w` working, counts the exec, stamps job_started (`now`, or the clock when
    /// default) and writes the job frame with Relay::try_write_frame (would_block: the caller
    /// co_awaits finish_write()).
    boost::system::error_code start_job(Worker& w, const Payload& payload, TimePoint now = {});
    /// A worker failed before delivering anything: kWorkerLost, with the cause reported.
    boost::system::error_code lost(boost::system::error_code cause, std::string* worker_error,
                                   boost::system::error_code* cause_out);
    Awaitable<boost::system::error_code> send_pong(Worker& w);
    Awaitable<void> drain_stream(std::shared_ptr<Worker> w);

    // ---- worker lifecycle (pool_lifecycle.cpp) ----
    Awaitable<Result<std::shared_ptr<Worker>>> start_worker();
    /// Takes a started worker into the pool (sets its max_jobs and recycle check, watches its
    /// exit); offers it unless `busy` or `hold` (a standby, see take_over()).
    void adopt(std::shared_ptr<Worker> w, bool busy, bool hold = false);
    /// release() slow path: stopping, debug, max_jobs reached, or a prespawn check point.
    /// Transitions `w` out of kWorking (ready or a retire state).
    void recycle_point(const std::shared_ptr<Worker>& w, TimePoint now);
    /// While successors wait as standbys: a predecessor unused for kLinger (the load went away)
    /// leaves, so its standby takes over.
    Awaitable<void> linger_loop();
    /// Starts base workers while fewer than target_ are alive or starting (superseded workers
    /// do not count), within the respawn backoff.
    void replenish();
    Awaitable<void> spawn_one();
    Awaitable<void> respawn_later(TimePoint at);
    /// Live non-extra workers that stay (not superseded) + base spawns in flight.
    std::size_t base_count() const noexcept;
    /// `w` is to be replaced: its successor starts now (replenish) and it keeps serving until
    /// the successor is ready (see take_over()).
    void supersede(const std::shared_ptr<Worker>& w, WorkerState retire_as);
    /// A new base worker `w` is ready. With a superseded worker waiting for a successor (an idle
    /// one first, else the one superseded first): for max_jobs, `w` becomes its standby (held
    /// back, not offered) and takes its place the moment it leaves; otherwise `w` is offered and
    /// the old one leaves now (idle) or after its job (busy). Without one, `w` is offered.
    void take_over(std::shared_ptr<Worker> w);
    /// `gone` left the pool: its standby, if any, is offered now; if `gone` was a standby, its
    /// predecessor may take another successor.
    void standby_after_removal(Worker* gone);
    /// More base workers than target_ (remove_worker, a spawn that came too late): retire.
    void trim_surplus();
    void retire(std::shared_ptr<Worker> w, bool replace);
    boost::system::error_code fail_worker(std::shared_ptr<Worker> w, boost::system::error_code ec,
                                          bool exec_ttl_fired);
    void remove_and_track(std::shared_ptr<Worker> w, bool replace, bool graceful);
    void on_worker_exit(std::shared_ptr<Worker> w);
    /// A worker died on its own (not exec_ttl, not on request): feeds the respawn backoff.
    void note_lost(const Worker& w);
    Awaitable<void> supervisor_loop();
    void supervise_once(TimePoint now);
    Awaitable<void> extra_reaper_loop();
    /// Starts up to spawn_rate extra workers; returns how many are now starting.
    std::size_t grow_dynamically();

    Executor ex_;
    PoolOptions options_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<transport::SocketListener> listener_;
    std::string relay_address_;
    worker::WorkerOptions worker_options_;
    std::size_t target_ = 0;
    std::vector<std::shared_ptr<Worker>> workers_;   ///< live, in the pool
    std::vector<std::shared_ptr<Worker>> idle_;      ///< ready, LIFO (hot worker first)
    std::atomic<std::size_t> idle_hint_{0};          ///< idle_.size(), published (idle_hint())
    std::atomic<std::size_t> live_hint_{0};          ///< workers_.size(), published
    std::deque<Waiter*> waiters_;                    ///< jobs waiting, FIFO
    std::vector<std::shared_ptr<Worker>> retiring_;  ///< out of the pool, not yet reaped
    std::size_t starting_ = 0;
    std::size_t extra_live_ = 0;      ///< extras in workers_
    std::size_t extra_starting_ = 0;  ///< extras being spawned
    std::uint64_t generation_ = 0;    ///< reset bumps it; older workers are replaced
    std::uint64_t no_free_workers_ = 0;
    std::uint64_t supersede_seq_ = 0;  ///< order in which workers were superseded
    std::uint64_t prespawns_ = 0;
    bool stopping_ = false;
    bool resetting_ = false;
    bool respawn_armed_ = false;  ///< respawn_later() is waiting for the backoff delay
    bool linger_armed_ = false;   ///< linger_loop() is running
    std::vector<std::shared_ptr<Worker>> standbys_;  ///< ready successors held back (in workers_)
    std::uint32_t jitter_seed_ = 12345;
    SpawnCost spawn_cost_;
    RespawnBackoff backoff_;
    boost::system::error_code last_start_error_;
    transport::AsyncEvent changed_;  ///< a worker was added, removed, reaped or handed over
    transport::Timer supervisor_timer_;
    transport::Timer extra_timer_;    ///< dynamic allocator's idle check
    transport::Timer respawn_timer_;  ///< backoff delay before the next start
    transport::Timer linger_timer_;   ///< predecessors of standbys unused for kLinger
};

}  // namespace rr::pool
