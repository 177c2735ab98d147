// The pool against fake workers: rolling reset (a successor is up before its predecessor is
// stopped, one at a time, busy workers finish first, reset_timeout), recycling that starts the
// successor first (max_jobs, ttl), and "lost before anything was delivered".

#include <boost/asio/detached.hpp>

#include "fake_pool_fixture.h"

namespace rr::test {
namespace {

TEST_F(FakePoolTest, ResetStartsEachNewWorkerBeforeAnOldOneLeavesOneAtATime) {
    create(options(2));
    const auto old = pids();
    fakes_->hold_handshakes = true;
    auto reset = start_reset();
    ASSERT_TRUE(run_until([&] { return fakes_->held_handshakes == 1; }));
    // The first successor is booting: both old workers are still there and serve jobs; the
    // second successor has not been started yet.
    EXPECT_EQ(pids(), old);
    EXPECT_EQ(fakes_->count(Kind::kStopCommand), 0u);
    EXPECT_EQ(fakes_->count(Kind::kSpawn), 3u);  // 2 at create + 1
    auto during = exec("echo:during");
    ASSERT_TRUE(during) << during.error().message();
    EXPECT_EQ(during.value().body(), "during");

    fakes_->release_handshakes(1);
    ASSERT_TRUE(run_until([&] { return fakes_->count(Kind::kStopCommand) == 1; }));
    ASSERT_TRUE(run_until([&] { return fakes_->held_handshakes == 1; }));
    EXPECT_EQ(fakes_->count(Kind::kSpawn), 4u);
    fakes_->release_handshakes(1);
    ASSERT_TRUE(run_until([&] { return reset->has_value(); }));
    ASSERT_TRUE(**reset) << (*reset)->error().message();

    // Order in the log: spawn(new1) < ready(new1) < stop(old A) ... spawn(new2) after ready(new1).
    std::vector<int> fresh;
    for (const auto& e : fakes_->events) {
        if (e.kind == Kind::kReady && !old.count(e.pid)) {
            fresh.push_back(e.pid);
        }
    }
    ASSERT_EQ(fresh.size(), 2u);
    std::vector<int> stopped;
    for (const auto& e : fakes_->events) {
        if (e.kind == Kind::kStopCommand) {
            stopped.push_back(e.pid);
        }
    }
    ASSERT_EQ(stopped.size(), 2u);
    EXPECT_LT(fakes_->index_of(Kind::kReady, fresh[0]),
              fakes_->index_of(Kind::kStopCommand, stopped[0]));
    EXPECT_LT(fakes_->index_of(Kind::kReady, fresh[0]), fakes_->index_of(Kind::kSpawn, fresh[1]));
    EXPECT_LT(fakes_->index_of(Kind::kReady, fresh[1]),
              fakes_->index_of(Kind::kStopCommand, stopped[1]));
    EXPECT_EQ(pids(), std::set<int>(fresh.begin(), fresh.end()));
    EXPECT_TRUE(sink_->contains("reset: 2 worker(s) replaced in"));
}

TEST_F(FakePoolTest, ResetLetsABusyOldWorkerFinishItsJobFirst) {
    create(options(1));
    const int old = *pids().begin();
    auto job = submit("hold");
    ASSERT_TRUE(run_until([&] { return fakes_->held_jobs == 1; }));
    auto reset = start_reset();
    // The successor comes up and takes new jobs while the old worker is still busy.
    ASSERT_TRUE(run_until([&] { return pids().size() == 2; }));
    auto next = exec("echo:next");
    ASSERT_TRUE(next) << next.error().message();
    EXPECT_FALSE(job->done());
    EXPECT_EQ(fakes_->count(Kind::kStopCommand), 0u);
    EXPECT_FALSE(reset->has_value());

    fakes_->release_jobs();
    ASSERT_TRUE(run_until([&] { return reset->has_value(); }));
    ASSERT_TRUE(**reset);
    ASSERT_TRUE(job->done());
    ASSERT_TRUE(*job->result) << job->result->error().message();
    EXPECT_EQ(job->result->value().body(), "held");
    EXPECT_LT(fakes_->index_of(Kind::kStopCommand, old), fakes_->events.size());
    EXPECT_EQ(pids().size(), 1u);
    EXPECT_FALSE(pids().count(old));
}

TEST_F(FakePoolTest, ResetKillsAnOldWorkerStillBusyAtResetTimeout) {
    auto o = options(1);
    o.reset_timeout = 300ms;
    create(o);
    const int old = *pids().begin();
    auto job = submit("hold");
    ASSERT_TRUE(run_until([&] { return fakes_->held_jobs == 1; }));
    auto reset = start_reset();
    ASSERT_TRUE(run_until([&] { return reset->has_value(); }));
    EXPECT_TRUE(**reset);
    ASSERT_TRUE(run_until([&] { return job->done(); }));
    ASSERT_FALSE(*job->result);
    EXPECT_EQ(job->result->error(), make_error_code(errc::kWorkerLost));
    EXPECT_TRUE(sink_->contains("still busy after reset_timeout, killed"));
    EXPECT_FALSE(pids().count(old));
    EXPECT_TRUE(exec("echo:after"));
}

TEST_F(FakePoolTest, ResetWhoseNewWorkersCannotStartKeepsTheOldOnesServing) {
    auto o = options(2);
    o.reset_timeout = 300ms;
    o.respawn = {.initial = 20ms, .max = 50ms, .stable_after = 10s, .forgive_after = 30s};
    create(o);
    const auto old = pids();
    fakes_->fail_starts = 1'000'000;
    auto reset = start_reset();
    ASSERT_TRUE(run_until([&] { return reset->has_value(); }));
    ASSERT_FALSE(**reset);
    EXPECT_EQ((*reset)->error(), make_error_code(errc::kSpawnFailed));
    EXPECT_EQ(pids(), old);
    EXPECT_TRUE(exec("echo:still served"));
    EXPECT_TRUE(sink_->contains("keep serving"));
    // Once starts work again, the old workers are replaced in the background.
    fakes_->fail_starts = 0;
    EXPECT_TRUE(run_until([&] {
        const auto now = pids();
        return now.size() == 2 && !now.count(*old.begin()) && !now.count(*old.rbegin());
    }));
}

TEST_F(FakePoolTest, MaxJobsStartsTheSuccessorFirstAndItTakesOverAtTheLastJob) {
    auto o = options(1);
    o.max_jobs = 10;
    o.max_jobs_jitter = false;
    create(o);
    const int first = *pids().begin();
    fakes_->hold_handshakes = true;
    int done = 0;
    while (fakes_->held_handshakes == 0 && done < 9) {
        ASSERT_TRUE(exec("echo:x"));
        ++done;
        run_until([&] { return fakes_->held_handshakes == 1; }, 50ms);
    }
    // The successor was started at a check point before the last job.
    ASSERT_TRUE(run_until([&] { return fakes_->held_handshakes == 1; }));
    EXPECT_EQ(pool_->stats().superseded, 1u);
    EXPECT_EQ(pool_->stats().prespawns, 1u);
    EXPECT_EQ(pids(), std::set<int>{first});
    fakes_->release_handshakes();
    // The successor is ready and stands by: the first worker serves up to its max_jobs.
    ASSERT_TRUE(run_until([&] { return pool_->stats().standby == 1; }));
    EXPECT_EQ(pids().size(), 2u);
    const auto both = pids();
    const int second = *std::find_if(both.begin(), both.end(), [&](int p) { return p != first; });
    while (done < 10) {
        auto r = exec("pid");
        ASSERT_TRUE(r);
        EXPECT_EQ(std::string(r.value().body()), std::to_string(first));
        ++done;
    }
    // After its 10th job it leaves and the standby takes over at once.
    EXPECT_EQ(pool_->stats().standby, 0u);
    auto next = exec("pid");
    ASSERT_TRUE(next);
    EXPECT_EQ(std::string(next.value().body()), std::to_string(second));
    ASSERT_TRUE(run_until(
        [&] { return fakes_->index_of(Kind::kStopCommand, first) < fakes_->events.size(); }));
    std::size_t jobs_of_first = 0;
    for (const auto& e : fakes_->events) {
        jobs_of_first += e.kind == Kind::kJob && e.pid == first;
    }
    EXPECT_EQ(jobs_of_first, 10u);
    EXPECT_LT(fakes_->index_of(Kind::kReady, second), fakes_->index_of(Kind::kStopCommand, first));
}

TEST_F(FakePoolTest, AStandbyTakesOverWhenItsPredecessorStaysUnused) {
    auto o = options(1);
    o.max_jobs = 10;
    o.max_jobs_jitter = false;
    create(o);
    const int first = *pids().begin();
    for (int i = 0; i < 9 && pool_->stats().superseded == 0; ++i) {
        ASSERT_TRUE(exec("echo:x"));
    }
    ASSERT_TRUE(run_until([&] { return pool_->stats().standby == 1; }));
    // No more jobs: after kLinger (1 s) unused, the predecessor leaves and the standby serves.
    ASSERT_TRUE(run_until([&] { return pids().size() == 1 && !pids().count(first); }));
    EXPECT_EQ(pool_->stats().standby, 0u);
    auto r = exec("pid");
    ASSERT_TRUE(r);
    EXPECT_EQ(std::string(r.value().body()), std::to_string(*pids().begin()));
    EXPECT_TRUE(sink_->contains("while its successor waits, stopping it"));
}

TEST_F(FakePoolTest, MaxJobsWithoutPrespawnRetiresFirstThenStarts) {
    auto o = options(1);
    o.max_jobs = 4;
    o.max_jobs_jitter = false;
    o.recycle_prespawn = false;
    create(o);
    const int first = *pids().begin();
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(exec("echo:x"));
    }
    ASSERT_TRUE(run_until([&] { return pids().size() == 1 && !pids().count(first); }));
    const int second = *pids().begin();
    EXPECT_EQ(pool_->stats().prespawns, 0u);
    // The successor was started only after the last job: the pool had no worker meanwhile.
    std::size_t last_job = 0;
    for (std::size_t i = 0; i < fakes_->events.size(); ++i) {
        if (fakes_->events[i].kind == Kind::kJob && fakes_->events[i].pid == first) {
            last_job = i;
        }
    }
    EXPECT_GT(fakes_->index_of(Kind::kSpawn, second), last_job);
}

TEST_F(FakePoolTest, TtlStartsTheReplacementFirstAndTheOldWorkerServesMeanwhile) {
    auto o = options(1);
    o.supervisor.ttl = 200ms;
    o.supervisor.watch_tick = 50ms;
    create(o);
    const int first = *pids().begin();
    fakes_->hold_handshakes = true;
    ASSERT_TRUE(run_until([&] { return fakes_->held_handshakes == 1; }));
    EXPECT_TRUE(exec("echo:served by the old one"));
    EXPECT_EQ(pids(), std::set<int>{first});
    fakes_->hold_handshakes = false;
    fakes_->release_handshakes();
    ASSERT_TRUE(run_until(
        [&] { return fakes_->index_of(Kind::kStopCommand, first) < fakes_->events.size(); }));
    const auto ready_second =
        std::find_if(fakes_->events.begin(), fakes_->events.end(),
                     [&](const auto& e) { return e.kind == Kind::kReady && e.pid != first; });
    ASSERT_NE(ready_second, fakes_->events.end());
    EXPECT_LT(static_cast<std::size_t>(ready_second - fakes_->events.begin()),
              fakes_->index_of(Kind::kStopCommand, first));
}

TEST_F(FakePoolTest, AWorkerDyingBeforeAnsweringIsReportedAsLostAndReplaced) {
    create(options(1));
    const int first = *pids().begin();
    auto job = submit("die");
    ASSERT_TRUE(run_until([&] { return job->done(); }));
    ASSERT_FALSE(*job->result);
    EXPECT_EQ(job->result->error(), make_error_code(errc::kWorkerLost));
    EXPECT_EQ(job->cause, make_error_code(errc::kWorkerExited));
    EXPECT_FALSE(job->worker_error.empty());
    ASSERT_TRUE(run_until([&] { return pids().size() == 1 && !pids().count(first); }));
    EXPECT_TRUE(exec("echo:again"));
}

TEST_F(FakePoolTest, AWorkerDyingAfterAFrameWasDeliveredIsNotLost) {
    create(options(1));
    auto out = run([p = pool_]() -> asio::awaitable<std::pair<bool, boost::system::error_code>> {
        const std::string ctx = "{}", body = "stream_die";
        auto s = co_await p->exec_stream(Payload{ctx, body});
        if (!s) {
            co_return std::pair{false, s.error()};
        }
        auto first = co_await s.value().next();
        if (!first) {
            co_return std::pair{false, first.error()};
        }
        auto second = co_await s.value().next();
        co_return std::pair{true, second ? boost::system::error_code{} : second.error()};
    });
    EXPECT_TRUE(out.first) << "the first frame was delivered";
    EXPECT_EQ(out.second, make_error_code(errc::kWorkerExited));
    EXPECT_NE(out.second, make_error_code(errc::kWorkerLost));
}

}  // namespace
}  // namespace rr::test
