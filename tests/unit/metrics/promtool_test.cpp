// Cross-check with Prometheus' own linter: `promtool check metrics` must accept a scrape of a
// registry holding every metric type (it parses with Prometheus' parser and lints names).
// promtool comes from Debian's `prometheus` package (96 MB installed, a daemon), which
// bootstrap.sh does not install: set RR_PROMTOOL to a promtool binary (scripts/promtool.sh
// fetches one without installing the daemon) or put one on PATH; otherwise the test is skipped.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "metrics/process_collector.h"
#include "metrics/registry.h"

namespace rr::metrics {
namespace {

std::string find_promtool() {
    if (const char* env = std::getenv("RR_PROMTOOL"); env != nullptr && *env != '\0') return env;
    if (const char* path = std::getenv("PATH")) {
        std::string p = path;
        std::size_t start = 0;
        while (start <= p.size()) {
            const std::size_t end = std::min(p.find(':', start), p.size());
            const std::filesystem::path candidate =
                std::filesystem::path(p.substr(start, end - start)) / "promtool";
            if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
            start = end + 1;
        }
    }
    return {};
}

// Runs `promtool check metrics` on `text`; returns its exit status and output.
int run_promtool(const std::string& promtool, const std::string& text, std::string& output) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("rr_promtool_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto in = dir / "metrics.txt";
    const auto out = dir / "out.txt";
    std::ofstream(in) << text;
    const std::string cmd =
        "'" + promtool + "' check metrics < '" + in.string() + "' > '" + out.string() + "' 2>&1";
    const int status = std::system(cmd.c_str());
    std::ifstream result(out);
    output.assign(std::istreambuf_iterator<char>(result), std::istreambuf_iterator<char>());
    std::filesystem::remove_all(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Promtool, AcceptsAScrapeOfEveryMetricType) {
    const std::string promtool = find_promtool();
    if (promtool.empty()) {
        GTEST_SKIP() << "promtool not found (set RR_PROMTOOL or run scripts/promtool.sh)";
    }
    Registry r;
    auto requests = r.counter({.name = "rr_http_request_total",
                               .help = "Requests \"served\" \\ by status.\nSecond line.",
                               .label_names = {"status"}})
                        .value();
    requests->with({"200"}).value()->add(1e6);
    requests->with({"5\"0\n0\\"}).value()->inc();
    auto duration =
        r.histogram({.name = "rr_http_request_duration_seconds",
                     .help = "Request duration.",
                     .label_names = {"status"},
                     .buckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60}})
            .value();
    duration->with({"200"}).value()->observe(0.042);
    duration->with({"200"}).value()->observe(75);
    auto queue = r.gauge({.name = "rr_http_requests_queue", .help = "Requests in flight."}).value();
    queue->scalar()->set(-0.25);
    auto job = r.summary({.name = "app_job_seconds",
                          .help = "Job time.",
                          .label_names = {"queue"},
                          .objectives = {{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}}})
                   .value();
    for (int i = 0; i < 1000; ++i) job->with({"default"}).value()->observe(i * 1e-3);
    job->with({"empty"}).value();  // NaN quantiles
    ASSERT_TRUE(r.add_collector(std::make_shared<ProcessCollector>()));

    std::string output;
    const std::string text = r.scrape_text();
    EXPECT_EQ(run_promtool(promtool, text, output), 0) << output << "\n" << text;
}

TEST(Promtool, RejectsWhatItShould) {
    // Guards the test above: promtool must actually be checking.
    const std::string promtool = find_promtool();
    if (promtool.empty()) {
        GTEST_SKIP() << "promtool not found (set RR_PROMTOOL or run scripts/promtool.sh)";
    }
    std::string output;
    EXPECT_NE(run_promtool(promtool, "# TYPE a counter\na{x=\"\\q\"} 1\n", output), 0);
}

}  // namespace
}  // namespace rr::metrics
