// Recycling policies (pool/recycling.h) with a fake clock: plain time points, no timers, no
// processes. When a successor starts before a max_jobs retirement, and how starts are rate
// limited after failures.

#include "pool/recycling.h"

#include <gtest/gtest.h>

namespace rr::pool {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + 1000h;

TEST(SpawnCost, StartsAtAGuessThenFollowsTheMeasuredStarts) {
    SpawnCost c;
    EXPECT_EQ(c.average(), SpawnCost::kInitial);
    c.add(20ms);
    EXPECT_EQ(c.average(), 20ms);
    c.add(60ms);  // a quarter of the way to the new sample
    EXPECT_EQ(c.average(), 30ms);
    for (int i = 0; i < 40; ++i) {
        c.add(60ms);
    }
    EXPECT_GT(c.average(), 59ms);
    EXPECT_LE(c.average(), 60ms);
}

TEST(PlanRecycle, FirstCheckIsHalfOfMaxJobsAndNeverBeforeTheFirstJob) {
    EXPECT_EQ(first_recycle_check(1000), 500u);
    EXPECT_EQ(first_recycle_check(3), 1u);
    EXPECT_EQ(first_recycle_check(1), 1u);
    EXPECT_EQ(first_recycle_check(0), ~std::uint64_t{0});  // unlimited: never
}

TEST(PlanRecycle, AFastWorkerStartsItsSuccessorAtOnce) {
    // 500 jobs in 20 ms (25k jobs/s); a start takes 20 ms, lead 40 ms: 1,000 jobs expected
    // before a successor would be ready, but only 500 are left.
    const auto plan = plan_recycle(500, 1000, 500, 20ms, 40ms);
    EXPECT_TRUE(plan.start_successor);
    EXPECT_EQ(plan.next_check, 1000u);  // then only max_jobs itself
}

TEST(PlanRecycle, ASlowWorkerWaitsAndLooksAgainHalfWayToTheStartPoint) {
    // 500 jobs in 5 s (100 jobs/s), lead 40 ms → 4 (+1) jobs needed, 500 left.
    const auto plan = plan_recycle(500, 1000, 500, 5s, 40ms);
    EXPECT_FALSE(plan.start_successor);
    EXPECT_EQ(plan.next_check, 500u + (500u - 5u) / 2);
}

TEST(PlanRecycle, CheckPointsConvergeSoTheSuccessorStartsBeforeTheLastJob) {
    // Constant 100 jobs/s, lead 100 ms → 10 jobs expected within the lead: the successor must
    // start with at least that many jobs left, and the number of check points stays small.
    std::uint64_t execs = first_recycle_check(1000);
    std::uint64_t last = 0;
    TimePoint last_time = kT0;
    int checks = 0;
    while (true) {
        ++checks;
        const TimePoint now = kT0 + 10ms * static_cast<int>(execs);
        const auto plan = plan_recycle(execs, 1000, execs - last, now - last_time, 100ms);
        if (plan.start_successor) {
            EXPECT_GE(1000 - execs, 10u);
            break;
        }
        ASSERT_GT(plan.next_check, execs);
        ASSERT_LE(plan.next_check, 1000u);
        last = execs;
        last_time = now;
        execs = plan.next_check;
    }
    EXPECT_LE(checks, 14);
}

TEST(PlanRecycle, OneJobLeftOrAnUnmeasurableWindowStartsNow) {
    EXPECT_TRUE(plan_recycle(9, 10, 9, 1s, 1ms).start_successor);
    EXPECT_TRUE(plan_recycle(5, 10, 5, 0ms, 1ms).start_successor);
    EXPECT_TRUE(plan_recycle(12, 10, 12, 1s, 1ms).start_successor);  // past the limit
}

TEST(RespawnBackoff, FirstFailureIsRetriedAtOnceThenTheDelayDoublesUpToTheMax) {
    RespawnBackoff b({.initial = 100ms, .max = 1s, .stable_after = 10s, .forgive_after = 30s});
    EXPECT_EQ(b.next_start(kT0), kT0);
    EXPECT_FALSE(b.probing(kT0));
    EXPECT_EQ(b.failure(kT0), 0ms);
    EXPECT_EQ(b.next_start(kT0), kT0);
    EXPECT_TRUE(b.probing(kT0));
    EXPECT_EQ(b.failure(kT0), 100ms);
    EXPECT_EQ(b.next_start(kT0), kT0 + 100ms);
    EXPECT_EQ(b.failure(kT0 + 100ms), 200ms);
    EXPECT_EQ(b.failure(kT0 + 300ms), 400ms);
    EXPECT_EQ(b.failure(kT0 + 700ms), 800ms);
    EXPECT_EQ(b.failure(kT0 + 1500ms), 1s);
    EXPECT_EQ(b.failure(kT0 + 2500ms), 1s);
    EXPECT_EQ(b.streak(kT0 + 2500ms), 7u);
    EXPECT_EQ(b.next_start(kT0 + 2600ms), kT0 + 3500ms);
}

TEST(RespawnBackoff, ASuccessfulStartEndsProbingButNotTheDelay) {
    RespawnBackoff b({.initial = 100ms, .max = 1s, .stable_after = 10s, .forgive_after = 30s});
    b.failure(kT0);
    b.failure(kT0);
    b.started();
    EXPECT_FALSE(b.probing(kT0));
    // A worker that then dies young continues the streak: the delay keeps growing.
    EXPECT_TRUE(b.worker_lost(kT0 + 200ms, 50ms, false));
    EXPECT_EQ(b.streak(kT0 + 200ms), 3u);
    EXPECT_EQ(b.next_start(kT0 + 200ms), kT0 + 400ms);
}

TEST(RespawnBackoff, OnlyYoungDeathsWithoutAnAnswerCountAndAQuietSpellForgivesTheStreak) {
    RespawnBackoff b({.initial = 100ms, .max = 1s, .stable_after = 10s, .forgive_after = 30s});
    EXPECT_FALSE(b.worker_lost(kT0, 11s, false));  // a worker that lived: replaced at once
    EXPECT_FALSE(b.worker_lost(kT0, 1s, true));    // it answered jobs, then crashed: at once
    EXPECT_EQ(b.streak(kT0), 0u);
    EXPECT_TRUE(b.worker_lost(kT0, 1s, false));
    EXPECT_TRUE(b.worker_lost(kT0 + 1s, 1s, false));
    EXPECT_EQ(b.streak(kT0 + 1s), 2u);
    EXPECT_EQ(b.streak(kT0 + 31s), 0u);
    EXPECT_FALSE(b.probing(kT0 + 31s));
    EXPECT_EQ(b.failure(kT0 + 31s), 0ms);  // a new streak
}

}  // namespace
}  // namespace rr::pool
