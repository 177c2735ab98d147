#include "process/proc_stat.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace rr::process {
namespace {

// A real line of /proc/<pid>/stat (php-fpm style name with spaces and a parenthesis inside the
// command name): utime 250, stime 50, starttime 10000 ticks.
constexpr std::string_view kStat =
    "4711 (php (worker) x) S 1 4711 4711 0 -1 4194560 1234 0 0 0 250 50 0 0 20 0 1 0 10000 "
    "123456789 5000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcStat, ParsesCpuTimeAndStartAfterTheLastParenthesis) {
    const auto s = parse_proc_stat(kStat, 100);
    ASSERT_TRUE(s);
    EXPECT_DOUBLE_EQ(s->cpu_seconds, 3.0);      // (250 + 50) / 100
    EXPECT_DOUBLE_EQ(s->start_seconds, 100.0);  // 10000 / 100
}

TEST(ProcStat, RejectsMalformedText) {
    EXPECT_FALSE(parse_proc_stat("", 100));
    EXPECT_FALSE(parse_proc_stat("4711 php S 1", 100));        // no parentheses
    EXPECT_FALSE(parse_proc_stat("4711 (php) S 1 2 3", 100));  // too few fields
    EXPECT_FALSE(
        parse_proc_stat("4711 (php) S 1 4711 4711 0 -1 4194560 1234 0 0 0 x 50 0 0 20 "
                        "0 1 0 10000 1",
                        100));  // utime not a number
    EXPECT_FALSE(parse_proc_stat(kStat, 0));
}

TEST(ProcStat, Uptime) {
    EXPECT_EQ(parse_uptime("350735.47 234388.90\n"), 350735.47);
    EXPECT_FALSE(parse_uptime(""));
    EXPECT_FALSE(parse_uptime("abc 1"));
}

TEST(ProcStat, LifetimePercentIsCpuTimeOverAge) {
    // Started 100 s after boot, now 110 s: 3 s of CPU in 10 s alive = 30 %.
    EXPECT_DOUBLE_EQ(lifetime_cpu_percent({3.0, 100.0}, 110.0), 30.0);
    // Two cores busy for the whole life: 200 %.
    EXPECT_DOUBLE_EQ(lifetime_cpu_percent({20.0, 100.0}, 110.0), 200.0);
    // Too young, or a clock reading before the start: 0, never a division blow-up.
    EXPECT_EQ(lifetime_cpu_percent({0.0, 100.0}, 100.001), 0.0);
    EXPECT_EQ(lifetime_cpu_percent({1.0, 100.0}, 90.0), 0.0);
}

TEST(ProcStat, ReadsThisProcessAndFailsForAMissingOne) {
    const auto self = cpu_percent(static_cast<int>(::getpid()));
    ASSERT_TRUE(self) << self.error().message();
    EXPECT_GE(self.value(), 0.0);
    // PID 0 never has a /proc entry.
    EXPECT_FALSE(cpu_percent(0));
}

}  // namespace
}  // namespace rr::process
