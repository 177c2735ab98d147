// The series types on their own: counter, gauge, histogram, summary and the quantile stream.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "metrics/histogram.h"
#include "metrics/quantile_stream.h"
#include "metrics/summary.h"
#include "metrics/value.h"

namespace rr::metrics {
namespace {

TEST(Counter, CountsWholeAndFractionalIncrements) {
    Counter c;
    EXPECT_EQ(c.value(), 0);
    c.inc();
    c.inc();
    EXPECT_TRUE(c.add(3));
    EXPECT_TRUE(c.add(0.5));
    EXPECT_TRUE(c.add(0));
    EXPECT_DOUBLE_EQ(c.value(), 5.5);
}

TEST(Counter, RefusesToGoDown) {
    Counter c;
    c.inc();
    EXPECT_FALSE(c.add(-1));
    EXPECT_FALSE(c.add(std::numeric_limits<double>::quiet_NaN()));
    EXPECT_EQ(c.value(), 1);
}

TEST(Counter, HugeIncrementsStayExactEnough) {
    Counter c;
    EXPECT_TRUE(c.add(1e300));
    EXPECT_TRUE(c.add(std::numeric_limits<double>::infinity()));
    EXPECT_TRUE(std::isinf(c.value()));
}

TEST(Gauge, SetsAddsAndSubtracts) {
    Gauge g;
    g.set(10);
    g.add(2.5);
    g.sub(0.5);
    g.inc();
    g.dec();
    g.dec();
    EXPECT_DOUBLE_EQ(g.value(), 11);
    g.set(-3);
    EXPECT_EQ(g.value(), -3);
}

TEST(Histogram, CountsIntoTheFirstBucketAtOrAboveTheValue) {
    auto bounds = std::make_shared<const std::vector<double>>(std::vector<double>{1, 2, 5});
    Histogram h(bounds);
    for (double v : {0.5, 1.0, 1.5, 2.0, 4.0, 5.0, 7.0, 100.0}) h.observe(v);
    std::vector<std::uint64_t> cumulative;
    double sum = 0;
    h.read(cumulative, sum);
    EXPECT_EQ(cumulative, (std::vector<std::uint64_t>{2, 4, 6, 8}));
    EXPECT_DOUBLE_EQ(sum, 121);
}

TEST(Histogram, NaNCountsOnlyInTheInfBucket) {
    auto bounds = std::make_shared<const std::vector<double>>(std::vector<double>{1});
    Histogram h(bounds);
    h.observe(std::numeric_limits<double>::quiet_NaN());
    std::vector<std::uint64_t> cumulative;
    double sum = 0;
    h.read(cumulative, sum);
    EXPECT_EQ(cumulative, (std::vector<std::uint64_t>{0, 1}));
    EXPECT_TRUE(std::isnan(sum));
}

TEST(Histogram, ManyBucketsUseTheSameRule) {
    std::vector<double> b;
    for (int i = 1; i <= 100; ++i) b.push_back(i);
    Histogram h(std::make_shared<const std::vector<double>>(b));
    h.observe(0);
    h.observe(50);
    h.observe(50.5);
    h.observe(1000);
    std::vector<std::uint64_t> cumulative;
    double sum = 0;
    h.read(cumulative, sum);
    EXPECT_EQ(cumulative[0], 1u);    // le=1
    EXPECT_EQ(cumulative[48], 1u);   // le=49
    EXPECT_EQ(cumulative[49], 2u);   // le=50
    EXPECT_EQ(cumulative[50], 3u);   // le=51
    EXPECT_EQ(cumulative[99], 3u);   // le=100
    EXPECT_EQ(cumulative[100], 4u);  // +Inf
}

TEST(Histogram, DefaultBucketsArePrometheusDefaults) {
    const auto d = default_buckets();
    EXPECT_EQ(std::vector<double>(d.begin(), d.end()),
              (std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}));
}

// The rank of `v` in sorted `data` (how many values are <= v).
double rank_of(const std::vector<double>& sorted, double v) {
    return static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
}

TEST(QuantileStream, EstimatesStayWithinTheirRankError) {
    const std::vector<Objective> objectives = {{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}};
    QuantileStream s(objectives);
    std::vector<double> data(20000);
    std::iota(data.begin(), data.end(), 1.0);
    std::mt19937 rng(42);
    std::shuffle(data.begin(), data.end(), rng);
    for (std::size_t i = 0; i < data.size(); i += 500) {
        std::vector<double> batch(data.begin() + static_cast<std::ptrdiff_t>(i),
                                  data.begin() + static_cast<std::ptrdiff_t>(i + 500));
        std::sort(batch.begin(), batch.end());
        s.insert_sorted(batch);
    }
    std::sort(data.begin(), data.end());
    const double n = static_cast<double>(data.size());
    EXPECT_EQ(s.count(), data.size());
    for (const Objective& o : objectives) {
        const double estimate = s.query(o.quantile);
        const double rank = rank_of(data, estimate);
        EXPECT_NEAR(rank, o.quantile * n, o.error * n + 1) << "quantile " << o.quantile;
    }
    // Memory stays far below the number of observations.
    EXPECT_LT(s.sample_count(), data.size() / 10);
}

TEST(QuantileStream, EmptyIsNaNAndEndsAreExact) {
    QuantileStream s(std::vector<Objective>{{0, 0.1}, {0.5, 0.05}, {1, 0.1}});
    EXPECT_TRUE(std::isnan(s.query(0.5)));
    const std::vector<double> values = {-7, 1, 2, 3, 99};
    s.insert_sorted(values);
    EXPECT_EQ(s.query(0), -7);
    EXPECT_EQ(s.query(1), 99);
    EXPECT_EQ(s.query(0.5), 2);
    s.reset();
    EXPECT_EQ(s.count(), 0u);
    EXPECT_TRUE(std::isnan(s.query(0)));
}

TEST(QuantileStream, ZeroErrorIsClampedSoMemoryStaysBounded) {
    QuantileStream s(std::vector<Objective>{{0.5, 0}});
    std::vector<double> batch(1000);
    for (int round = 0; round < 200; ++round) {
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i] = static_cast<double>(i) + round * 0.001;
        }
        std::sort(batch.begin(), batch.end());
        s.insert_sorted(batch);
    }
    EXPECT_LT(s.sample_count(), 100000u);  // 200k observations
}

// A clock the test moves by hand.
struct FakeClock {
    std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
    SummarySpec::Clock fn() {
        return [this] { return now; };
    }
};

std::shared_ptr<const SummarySpec> spec(FakeClock& clock, std::vector<Objective> objectives) {
    auto s = std::make_shared<SummarySpec>();
    s->objectives = std::move(objectives);
    s->max_age = std::chrono::minutes(10);
    s->age_buckets = 5;
    s->clock = clock.fn();
    return s;
}

TEST(Summary, WithoutObjectivesKeepsOnlySumAndCount) {
    FakeClock clock;
    Summary s(spec(clock, {}));
    s.observe(1);
    s.observe(2.5);
    std::vector<double> q;
    double sum = 0;
    std::uint64_t count = 0;
    s.read(q, sum, count);
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(sum, 3.5);
    EXPECT_EQ(count, 2u);
}

TEST(Summary, QuantilesOverTheWindow) {
    FakeClock clock;
    Summary s(spec(clock, {{0.5, 0.05}, {0.9, 0.01}}));
    for (int i = 1; i <= 1000; ++i) s.observe(i);
    std::vector<double> q;
    double sum = 0;
    std::uint64_t count = 0;
    s.read(q, sum, count);
    ASSERT_EQ(q.size(), 2u);
    EXPECT_NEAR(q[0], 500, 50);
    EXPECT_NEAR(q[1], 900, 10);
    EXPECT_EQ(count, 1000u);
    EXPECT_EQ(sum, 500500);
}

TEST(Summary, OldObservationsAgeOutAfterMaxAge) {
    FakeClock clock;
    Summary s(spec(clock, {{0.5, 0.05}}));
    for (int i = 0; i < 100; ++i) s.observe(1000);
    std::vector<double> q;
    double sum = 0;
    std::uint64_t count = 0;
    s.read(q, sum, count);
    EXPECT_EQ(q[0], 1000);

    // Halfway through the window the old values still count.
    clock.now += std::chrono::minutes(5);
    for (int i = 0; i < 300; ++i) s.observe(1);
    s.read(q, sum, count);
    EXPECT_EQ(q[0], 1);  // 300 of 400 observations are 1

    // Past max age the 1000s are gone; only the 1s remain in the oldest stream.
    clock.now += std::chrono::minutes(6);
    s.read(q, sum, count);
    EXPECT_EQ(q[0], 1);
    // Another 10 minutes of silence: the window is empty, _sum/_count keep counting all time.
    clock.now += std::chrono::minutes(10);
    s.read(q, sum, count);
    EXPECT_TRUE(std::isnan(q[0]));
    EXPECT_EQ(count, 400u);
}

TEST(Summary, ALongSilenceDoesNotSpinThroughMissedWindows) {
    FakeClock clock;
    Summary s(spec(clock, {{0.5, 0.05}}));
    s.observe(3);
    clock.now += std::chrono::hours(24 * 365);
    s.observe(4);
    std::vector<double> q;
    double sum = 0;
    std::uint64_t count = 0;
    s.read(q, sum, count);
    EXPECT_EQ(q[0], 4);
}

}  // namespace
}  // namespace rr::metrics
