// `rr workers` rendering (cli/workers_table.h): upstream's columns and humanised values, sorted
// rows, narrow terminals, colours, and the screen fitting of `rr workers -i`.

#include "cli/workers_table.h"

#include <gtest/gtest.h>

namespace rr::cli {
namespace {

constexpr std::int64_t kSecond = 1000000000;
constexpr std::int64_t kNow = 1700000000 * kSecond;

rpc::ProcessState worker(std::int64_t pid, std::string status, std::uint64_t execs,
                         std::uint64_t memory, double cpu, std::int64_t age_seconds) {
    rpc::ProcessState s;
    s.pid = pid;
    s.status_str = std::move(status);
    s.num_execs = execs;
    s.memory_usage = memory;
    s.cpu_percent = cpu;
    s.created = kNow - age_seconds * kSecond;
    return s;
}

TEST(WorkersTable, HumanisedValuesAsGoHumanize) {
    EXPECT_EQ(humanize_bytes(0), "0 B");
    EXPECT_EQ(humanize_bytes(9), "9 B");
    EXPECT_EQ(humanize_bytes(999), "999 B");
    EXPECT_EQ(humanize_bytes(1000), "1.0 kB");
    EXPECT_EQ(humanize_bytes(8300000), "8.3 MB");
    EXPECT_EQ(humanize_bytes(9999), "10 kB");  // rounded before the format is chosen
    EXPECT_EQ(humanize_bytes(21630976), "22 MB");
    EXPECT_EQ(humanize_bytes(5000000000ULL), "5.0 GB");
    EXPECT_EQ(with_commas(0), "0");
    EXPECT_EQ(with_commas(999), "999");
    EXPECT_EQ(with_commas(1000), "1,000");
    EXPECT_EQ(with_commas(1234567), "1,234,567");
}

TEST(WorkersTable, RelativeTimeBuckets) {
    EXPECT_EQ(relative_time(kNow, kNow), "now");
    EXPECT_EQ(relative_time(kNow + kSecond, kNow), "now");  // clock skew
    EXPECT_EQ(relative_time(kNow - kSecond, kNow), "1 second ago");
    EXPECT_EQ(relative_time(kNow - 59 * kSecond, kNow), "59 seconds ago");
    EXPECT_EQ(relative_time(kNow - 60 * kSecond, kNow), "1 minute ago");
    EXPECT_EQ(relative_time(kNow - 150 * kSecond, kNow), "2 minutes ago");
    EXPECT_EQ(relative_time(kNow - 3600 * kSecond, kNow), "1 hour ago");
    EXPECT_EQ(relative_time(kNow - 5 * 86400 * kSecond, kNow), "5 days ago");
    EXPECT_EQ(relative_time(kNow - 14 * 86400 * kSecond, kNow), "2 weeks ago");
    EXPECT_EQ(relative_time(kNow - 400 * 86400 * kSecond, kNow), "1 year ago");
}

TEST(WorkersTable, UpstreamColumnsSortedByPid) {
    const std::string table =
        render_workers_table({worker(4712, "working", 1234, 21630976, 12.5, 150),
                              worker(4711, "ready", 7, 8300000, 0, 3)},
                             {0, false, kNow});
    EXPECT_EQ(table,
              "+------+---------+-------+--------+-------+---------------+\n"
              "| PID  | STATUS  | EXECS | MEMORY | CPU%  |    CREATED    |\n"
              "+------+---------+-------+--------+-------+---------------+\n"
              "| 4711 | ready   | 7     | 8.3 MB | 0.00  | 3 seconds ago |\n"
              "| 4712 | working | 1,234 | 22 MB  | 12.50 | 2 minutes ago |\n"
              "+------+---------+-------+--------+-------+---------------+\n");
}

TEST(WorkersTable, NarrowTerminalDropsColumnsFromTheRightAndSaysSo) {
    const std::vector<rpc::ProcessState> ws = {worker(4711, "ready", 7, 8300000, 0, 3)};
    const std::string table = render_workers_table(ws, {40, false, kNow});
    EXPECT_EQ(table,
              "+------+--------+-------+--------+\n"
              "| PID  | STATUS | EXECS | MEMORY |\n"
              "+------+--------+-------+--------+\n"
              "| 4711 | ready  | 7     | 8.3 MB |\n"
              "+------+--------+-------+--------+\n"
              "(CPU%, CREATED not shown: terminal too narrow)\n");
    // Never fewer than PID and STATUS, however narrow.
    const std::string tiny = render_workers_table(ws, {5, false, kNow});
    EXPECT_NE(tiny.find("| PID  | STATUS |\n"), std::string::npos) << tiny;
    EXPECT_NE(tiny.find("(EXECS, MEMORY, CPU%, CREATED not shown"), std::string::npos);
}

TEST(WorkersTable, ColourOnlyAroundTheStatusAndWidthsIgnoreIt) {
    const std::string table =
        render_workers_table({worker(1, "ready", 0, 0, 0, 0)}, {0, true, kNow});
    EXPECT_NE(table.find("| \x1b[36mready\x1b[0m  |"), std::string::npos) << table;
    const std::string plain =
        render_workers_table({worker(1, "ready", 0, 0, 0, 0)}, {0, false, kNow});
    EXPECT_EQ(table.find('\x1b') != std::string::npos, true);
    EXPECT_EQ(plain.find('\x1b'), std::string::npos);
    EXPECT_EQ(visible_width("| \x1b[36mready\x1b[0m  |"), visible_width("| ready  |"));
}

TEST(WorkersTable, PluginHeadingAndNoWorkers) {
    EXPECT_EQ(render_plugin_workers("jobs", {}, {}), "Workers of [jobs]: none\n");
    const std::string text =
        render_plugin_workers("http", {worker(1, "ready", 0, 0, 0, 0)}, {0, false, kNow});
    EXPECT_EQ(text.rfind("Workers of [http]:\n+---", 0), 0U) << text;
}

TEST(WorkersTable, FitScreenCutsLinesAndHeight) {
    const std::string text = "abcdef\n\x1b[36mready\x1b[0m and more\nthird\nfourth\n";
    auto lines = fit_screen(text, 4, 0);
    ASSERT_EQ(lines.size(), 4U);
    EXPECT_EQ(lines[0], "abcd");
    EXPECT_EQ(lines[1], "\x1b[36mread\x1b[0m");  // colour closed after the cut
    EXPECT_EQ(lines[2], "thir");
    lines = fit_screen(text, 0, 3);
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[2], "... 2 more lines (enlarge the terminal)");
    lines = fit_screen("é€\n", 1, 0);  // multi-byte characters are one column each
    EXPECT_EQ(lines[0], "é");
}

}  // namespace
}  // namespace rr::cli
