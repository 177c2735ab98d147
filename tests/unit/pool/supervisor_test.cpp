// Supervisor decisions are pure functions of (worker snapshot, now, limits): tested with a
// fake clock (plain time points), no timers and no processes.

#include "pool/supervisor.h"

#include <gtest/gtest.h>

namespace rr::pool {
namespace {

using namespace std::chrono_literals;
using worker::WorkerState;

struct FakeClock {
    TimePoint t0 = TimePoint{} + 1000h;
    TimePoint at(Duration d) const { return t0 + d; }
};

WorkerSnapshot idle_worker(const FakeClock& c) {
    WorkerSnapshot w;
    w.state = WorkerState::kReady;
    w.created = c.at(0s);
    w.last_used = c.at(0s);
    return w;
}

WorkerSnapshot busy_worker(const FakeClock& c, Duration job_started) {
    WorkerSnapshot w = idle_worker(c);
    w.state = WorkerState::kWorking;
    w.busy = true;
    w.execs = 1;
    w.job_started = c.at(job_started);
    return w;
}

TEST(Supervisor, NoLimitsKeepsEveryone) {
    FakeClock c;
    SupervisorOptions none;
    EXPECT_EQ(decide(idle_worker(c), c.at(100h), none).verdict, Verdict::kKeep);
    EXPECT_EQ(decide(busy_worker(c, 0s), c.at(100h), none).verdict, Verdict::kKeep);
    EXPECT_FALSE(none.needs_tick());
}

TEST(Supervisor, TtlRetiresAnIdleWorkerOnlyAfterItsLifetime) {
    FakeClock c;
    SupervisorOptions l;
    l.ttl = 10s;
    EXPECT_EQ(decide(idle_worker(c), c.at(9s), l).verdict, Verdict::kKeep);
    const Decision d = decide(idle_worker(c), c.at(10s), l);
    EXPECT_EQ(d, (Decision{Verdict::kRetire, WorkerState::kTtlReached}));
}

TEST(Supervisor, TtlOnABusyWorkerOnlyMarksItInvalid) {
    FakeClock c;
    SupervisorOptions l;
    l.ttl = 10s;
    const Decision d = decide(busy_worker(c, 5s), c.at(11s), l);
    EXPECT_EQ(d, (Decision{Verdict::kMarkInvalid, WorkerState::kInvalid}));
    // Already marked: nothing more until the job ends.
    auto marked = busy_worker(c, 5s);
    marked.state = WorkerState::kInvalid;
    EXPECT_EQ(decide(marked, c.at(20s), l).verdict, Verdict::kKeep);
}

TEST(Supervisor, IdleTtlCountsFromTheLastJobAndSkipsUnusedWorkers) {
    FakeClock c;
    SupervisorOptions l;
    l.idle_ttl = 5s;
    auto fresh = idle_worker(c);
    EXPECT_EQ(decide(fresh, c.at(1h), l).verdict, Verdict::kKeep);  // never served a job
    auto used = idle_worker(c);
    used.execs = 3;
    used.last_used = c.at(100s);
    EXPECT_EQ(decide(used, c.at(104s), l).verdict, Verdict::kKeep);
    EXPECT_EQ(decide(used, c.at(105s), l),
              (Decision{Verdict::kRetire, WorkerState::kIdleTtlReached}));
    // A busy worker is never idle.
    auto busy = busy_worker(c, 100s);
    busy.last_used = c.at(0s);
    EXPECT_EQ(decide(busy, c.at(200s), l).verdict, Verdict::kKeep);
}

TEST(Supervisor, MemoryLimitIsSoftForBusyWorkers) {
    FakeClock c;
    SupervisorOptions l;
    l.max_worker_memory = 100u << 20;
    auto idle = idle_worker(c);
    idle.rss_bytes = 99u << 20;
    EXPECT_EQ(decide(idle, c.at(1s), l).verdict, Verdict::kKeep);
    idle.rss_bytes = 100u << 20;
    EXPECT_EQ(decide(idle, c.at(1s), l),
              (Decision{Verdict::kRetire, WorkerState::kMaxMemoryReached}));
    auto busy = busy_worker(c, 0s);
    busy.rss_bytes = 500u << 20;
    // Upstream #1561 killed here; we only mark it and let the job finish.
    EXPECT_EQ(decide(busy, c.at(1s), l), (Decision{Verdict::kMarkInvalid, WorkerState::kInvalid}));
}

TEST(Supervisor, ExecTtlIsHardAndWinsOverSoftLimits) {
    FakeClock c;
    SupervisorOptions l;
    l.exec_ttl = 3s;
    l.ttl = 1s;
    EXPECT_EQ(decide(busy_worker(c, 10s), c.at(12s), l).verdict, Verdict::kMarkInvalid);
    EXPECT_EQ(decide(busy_worker(c, 10s), c.at(13s), l),
              (Decision{Verdict::kKill, WorkerState::kExecTtlReached}));
    // Also when the worker is already marked invalid.
    auto marked = busy_worker(c, 10s);
    marked.state = WorkerState::kInvalid;
    EXPECT_EQ(decide(marked, c.at(13s), l).verdict, Verdict::kKill);
    EXPECT_TRUE(l.needs_tick());
}

TEST(Supervisor, WorkersThatAreNotLiveAreLeftAlone) {
    FakeClock c;
    SupervisorOptions l;
    l.ttl = 1s;
    for (auto s : {WorkerState::kInactive, WorkerState::kStopping, WorkerState::kStopped,
                   WorkerState::kDestroyed, WorkerState::kErrored}) {
        auto w = idle_worker(c);
        w.state = s;
        EXPECT_EQ(decide(w, c.at(1h), l).verdict, Verdict::kKeep) << worker::to_string(s);
    }
}

TEST(Supervisor, MaxJobsJitterAddsUpToFourteenPercent) {
    EXPECT_EQ(max_jobs_with_jitter(0, 7), 0u);
    EXPECT_EQ(max_jobs_with_jitter(100, 0), 100u);
    EXPECT_EQ(max_jobs_with_jitter(100, 14), 114u);
    EXPECT_EQ(max_jobs_with_jitter(100, 15), 100u);  // r is taken modulo 15
    EXPECT_EQ(max_jobs_with_jitter(10, 9), 10u);     // floor(10 * 9 / 100) = 0
}

}  // namespace
}  // namespace rr::pool
