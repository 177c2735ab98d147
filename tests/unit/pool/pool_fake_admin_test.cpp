// The pool against fake workers: rate-limited respawn (a worker that dies at once or a start
// that fails does not make the pool fork in a loop) and informer.AddWorker / RemoveWorker.

#include <boost/asio/detached.hpp>
#include <map>

#include "fake_pool_fixture.h"

namespace rr::test {
namespace {

TEST_F(FakePoolTest, WorkersDyingRightAfterTheirStartAreRespawnedOneAtATimeWithBackoff) {
    auto o = options(2);
    o.respawn = {.initial = 40ms, .max = 160ms, .stable_after = 10s, .forgive_after = 30s};
    create(o);
    fakes_->die_after_handshake = 6;
    // Kill both workers from outside; the next six started die right after their handshake.
    for (int pid : pids()) {
        ::kill(pid, SIGKILL);
    }
    std::size_t max_parallel = 0;
    ASSERT_TRUE(run_until(
        [&] {
            max_parallel = std::max(max_parallel, pool_->stats().starting);
            return fakes_->die_after_handshake == 0 && pool_->stats().workers == 2 &&
                   pool_->stats().starting == 0;
        },
        20s));
    // After the first failure, starts went one at a time (probing), never in parallel.
    EXPECT_LE(max_parallel, 1u);
    // The delays doubled from `initial` up to `max`, and each was logged.
    EXPECT_TRUE(sink_->contains("next worker start in 40 ms"));
    EXPECT_TRUE(sink_->contains("next worker start in 80 ms"));
    EXPECT_TRUE(sink_->contains("next worker start in 160 ms"));
    EXPECT_FALSE(sink_->contains("next worker start in 320 ms"));
    EXPECT_EQ(fakes_->count(Kind::kDied), 6u);
    EXPECT_TRUE(exec("echo:recovered"));
}

TEST_F(FakePoolTest, WorkersKilledByTheirFirstJobAreReplacedAtOnceWithoutBackoff) {
    // Each of these requests kills the fresh worker that takes it (an app's fatal error): the
    // worker had started fine, so nothing feeds the backoff and the pool never stalls.
    auto o = options(1);
    o.respawn = {.initial = 5s, .max = 5s, .stable_after = 10s, .forgive_after = 30s};
    create(o);
    for (int i = 0; i < 4; ++i) {
        auto job = submit("die");
        ASSERT_TRUE(run_until([&] { return job->done(); }));
        ASSERT_FALSE(*job->result);
        EXPECT_EQ(job->result->error(), make_error_code(errc::kWorkerLost));
    }
    // With a counted failure the 2nd replacement would wait 5 s; this deadline is shorter.
    EXPECT_TRUE(run_until([&] { return pids().size() == 1 && pool_->stats().starting == 0; }, 3s));
    EXPECT_FALSE(sink_->contains("next worker start in"));
    EXPECT_TRUE(exec("echo:still-serving"));
}

TEST_F(FakePoolTest, FailingStartsAreRetriedWithBackoffUntilOneSucceeds) {
    auto o = options(1);
    o.respawn = {.initial = 30ms, .max = 60ms, .stable_after = 10s, .forgive_after = 30s};
    create(o);
    fakes_->fail_starts = 5;
    ::kill(*pids().begin(), SIGKILL);
    ASSERT_TRUE(run_until([&] { return fakes_->fail_starts == 0 && pids().size() == 1; }));
    EXPECT_EQ(fakes_->count(Kind::kSpawnFailed), 5u);
    EXPECT_TRUE(sink_->contains("next worker start in 30 ms"));
    EXPECT_TRUE(sink_->contains("next worker start in 60 ms"));
    EXPECT_TRUE(exec("echo:back"));
}

TEST_F(FakePoolTest, AddWorkerStartsOneMoreAndRefusesBeyondTheLimit) {
    auto o = options(2);
    o.add_worker_limit = 3;
    create(o);
    auto added = run([p = pool_] { return p->add_worker(); });
    ASSERT_TRUE(added) << added.error().message();
    EXPECT_EQ(pids().size(), 3u);
    EXPECT_EQ(pool_->stats().target, 3u);
    auto refused = run([p = pool_] { return p->add_worker(); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), make_error_code(errc::kMaxWorkers));
    EXPECT_EQ(pool_->stats().target, 3u);
    // The added worker is a full member: it is replaced when it dies.
    const int victim = *pids().rbegin();
    ::kill(victim, SIGKILL);
    EXPECT_TRUE(run_until([&] { return pids().size() == 3 && !pids().count(victim); }));
}

TEST_F(FakePoolTest, AddWorkerFailsAndRestoresTheSizeWhenNoWorkerCanStart) {
    auto o = options(1);
    o.allocate_timeout = 300ms;
    o.respawn = {.initial = 20ms, .max = 40ms, .stable_after = 10s, .forgive_after = 30s};
    create(o);
    fakes_->fail_starts = 1'000'000;
    auto added = run([p = pool_] { return p->add_worker(); });
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error(), make_error_code(errc::kSpawnFailed));
    EXPECT_EQ(pool_->stats().target, 1u);
    fakes_->fail_starts = 0;
    EXPECT_TRUE(exec("echo:one worker still"));
    // A start still in flight when add_worker gave up is stopped again when it comes up.
    EXPECT_TRUE(run_until([&] { return pids().size() == 1 && pool_->stats().starting == 0; }));
}

TEST_F(FakePoolTest, RemoveWorkerStopsAnIdleOneAndNeverTheLast) {
    create(options(2));
    auto removed = run([p = pool_] { return p->remove_worker(); });
    ASSERT_TRUE(removed);
    EXPECT_EQ(pids().size(), 1u);
    EXPECT_EQ(pool_->stats().target, 1u);
    EXPECT_EQ(fakes_->count(Kind::kStopCommand), 1u);
    auto last = run([p = pool_] { return p->remove_worker(); });
    EXPECT_TRUE(last);  // upstream: a warning, no error
    EXPECT_TRUE(sink_->contains("can't remove the last worker"));
    EXPECT_EQ(pids().size(), 1u);
    EXPECT_EQ(pool_->stats().target, 1u);
    // Not replaced: the pool stays at one worker.
    EXPECT_TRUE(exec("echo:x"));
    EXPECT_EQ(fakes_->count(Kind::kSpawn), 2u);
}

TEST_F(FakePoolTest, RemoveWorkerTakesABusyOneOnlyAfterItsJob) {
    create(options(2));
    auto a = submit("hold");
    auto b = submit("hold");
    ASSERT_TRUE(run_until([&] { return fakes_->held_jobs == 2; }));
    auto removed = run([p = pool_] { return p->remove_worker(); });
    ASSERT_TRUE(removed);
    EXPECT_EQ(fakes_->count(Kind::kStopCommand), 0u);
    fakes_->release_jobs();
    ASSERT_TRUE(run_until([&] { return a->done() && b->done(); }));
    EXPECT_TRUE(*a->result);
    EXPECT_TRUE(*b->result);
    ASSERT_TRUE(run_until([&] { return fakes_->count(Kind::kStopCommand) == 1; }));
    EXPECT_EQ(pids().size(), 1u);
    EXPECT_EQ(fakes_->count(Kind::kSpawn), 2u);
}

TEST_F(FakePoolTest, AddAndRemoveDoNothingInDebugMode) {
    auto o = options(0);
    o.debug = true;
    create(o);
    EXPECT_TRUE(run([p = pool_] { return p->add_worker(); }));
    EXPECT_TRUE(run([p = pool_] { return p->remove_worker(); }));
    EXPECT_TRUE(sink_->contains("not allowed in debug mode"));
    EXPECT_TRUE(pids().empty());
}

TEST_F(FakePoolTest, IdleAndLiveHintsFollowTheWorkers) {
    // What http.io_threads reads from other threads to pick a shard and to sum /ready.
    create(options(2));
    EXPECT_EQ(pool_->idle_hint(), 2u);
    EXPECT_EQ(pool_->live_hint(), 2u);
    auto a = submit("hold");
    ASSERT_TRUE(run_until([&] { return fakes_->held_jobs == 1; }));
    EXPECT_EQ(pool_->idle_hint(), 1u);
    auto b = submit("hold");
    ASSERT_TRUE(run_until([&] { return fakes_->held_jobs == 2; }));
    EXPECT_EQ(pool_->idle_hint(), 0u);
    EXPECT_EQ(pool_->live_hint(), 2u);
    fakes_->release_jobs();
    ASSERT_TRUE(run_until([&] { return a->done() && b->done(); }));
    EXPECT_EQ(pool_->idle_hint(), 2u);
    ASSERT_TRUE(run([p = pool_] { return p->remove_worker(); }));
    ASSERT_TRUE(run_until([&] { return pool_->live_hint() == 1u; }));
    EXPECT_EQ(pool_->idle_hint(), 1u);
}

TEST_F(FakePoolTest, RosterMirrorsTheWorkersForOtherThreads) {
    // What a metrics scrape reads from its own thread (worker/roster.h): the pool's workers,
    // their states and exec counts, and nothing of a worker that left.
    auto roster = std::make_shared<worker::WorkerRoster>();
    auto o = options(2);
    o.roster = roster;
    create(std::move(o));
    auto by_pid = [&] {
        std::map<int, worker::MirroredWorker> out;
        for (const auto& w : roster->snapshot()) out[w.pid] = w;
        return out;
    };
    std::map<int, worker::MirroredWorker> seen = by_pid();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(std::set<int>({seen.begin()->first, std::next(seen.begin())->first}), pids());
    for (const auto& [pid, w] : seen) EXPECT_EQ(w.state, worker::WorkerState::kReady);

    auto a = submit("hold");
    ASSERT_TRUE(run_until([&] { return fakes_->held_jobs == 1; }));
    int working = 0;
    for (const auto& [pid, w] : by_pid()) working += w.state == worker::WorkerState::kWorking;
    EXPECT_EQ(working, 1);
    fakes_->release_jobs();
    ASSERT_TRUE(run_until([&] { return a->done(); }));
    ASSERT_TRUE(exec("x"));
    std::uint64_t execs = 0;
    for (const auto& [pid, w] : by_pid()) {
        EXPECT_EQ(w.state, worker::WorkerState::kReady);
        execs += w.execs;
    }
    EXPECT_EQ(execs, 2u);

    ASSERT_TRUE(run([p = pool_] { return p->remove_worker(); }));
    ASSERT_TRUE(run_until([&] { return pool_->live_hint() == 1u; }));
    seen = by_pid();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(std::set<int>{seen.begin()->first}, pids());
}

}  // namespace
}  // namespace rr::test
