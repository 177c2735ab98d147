// The metrics plugin's config, the worker pool gauges and the http_metrics counters, checked
// through the strict exposition parser.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "config/config.h"
#include "metrics/registry.h"
#include "plugins/api/observability.h"
#include "plugins/http_metrics/http_metrics.h"
#include "plugins/metrics/config.h"
#include "support/prom_text_parser.h"

namespace rr::plugins {
namespace {

namespace prom = rr::test::prom;

MetricsConfig decode(const std::string& yaml) {
    const config::Config cfg = config::parse_string(yaml);
    config::Warnings warnings;
    const config::DecodeContext ctx{cfg.base_dir, &warnings};
    return decode_metrics_config(*cfg.section("metrics"), "metrics", ctx);
}

std::string error_of(const std::string& yaml) {
    try {
        (void)decode(yaml);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

prom::Exposition scrape(const metrics::Registry& registry) {
    auto r = prom::parse(registry.scrape_text());
    EXPECT_TRUE(r) << r.error << "\n" << registry.scrape_text();
    return r ? *r.exposition : prom::Exposition{};
}

TEST(MetricsConfig, DefaultsAndCollectors) {
    MetricsConfig c = decode("version: '3'\nmetrics:\n  collect: {}\n");
    EXPECT_EQ(c.address.text, "127.0.0.1:2112");
    EXPECT_TRUE(c.collect.empty());
    c = decode(R"(
version: '3'
metrics:
  address: localhost:2113
  collect:
    app_metric:
      type: Histogram
      help: "Custom application metric"
      labels: ["type"]
      buckets: [0.1, 0.2, 1.0]
    app_summary:
      type: summary
      namespace: app
      subsystem: sub
      objectives:
        - 0.9: 0.01
        - 0.5: 0.05
)");
    EXPECT_EQ(c.address.port, 2113);
    const auto& h = c.collect.at("app_metric");
    EXPECT_EQ(h.type, "histogram");
    EXPECT_EQ(h.help, "Custom application metric");
    EXPECT_EQ(h.labels, (std::vector<std::string>{"type"}));
    EXPECT_EQ(h.buckets, (std::vector<double>{0.1, 0.2, 1.0}));
    const auto& s = c.collect.at("app_summary");
    EXPECT_EQ(s.ns, "app");
    EXPECT_EQ(s.subsystem, "sub");
    ASSERT_EQ(s.objectives.size(), 2u);
    EXPECT_EQ(s.objectives[0].quantile, 0.5);
    EXPECT_EQ(s.objectives[0].error, 0.05);
    EXPECT_EQ(s.objectives[1].quantile, 0.9);
    // A map works as well as upstream's list of one-entry maps.
    EXPECT_EQ(decode("version: '3'\nmetrics:\n  collect:\n    s:\n      type: summary\n"
                     "      objectives: {0.99: 0.001}\n")
                  .collect.at("s")
                  .objectives.size(),
              1u);
}

TEST(MetricsConfig, Errors) {
    EXPECT_EQ(error_of("version: '3'\nmetrics:\n  collect:\n    m:\n      help: x\n"),
              "metrics.collect.m.type: required (counter, gauge, histogram or summary)");
    EXPECT_EQ(error_of("version: '3'\nmetrics:\n  collect:\n    m:\n      type: meter\n"),
              "metrics.collect.m.type: expected one of counter, gauge, histogram, summary, got "
              "\"meter\"");
    EXPECT_EQ(error_of("version: '3'\nmetrics:\n  collect:\n    m:\n      type: histogram\n"
                       "      buckets: [0.1, x]\n"),
              "metrics.collect.m.buckets[1]: expected a number, got \"x\"");
    EXPECT_NE(error_of("version: '3'\nmetrics:\n  address: [1]\n"), "<no error>");
}

TEST(WorkerGauges, RoadRunnerNamesLabelsAndValues) {
    std::vector<WorkerInfo> workers(3);
    workers[0].pid = 11;
    workers[0].status = "ready";
    workers[0].memory_bytes = 1000;
    workers[1].pid = 12;
    workers[1].status = "working";
    workers[1].memory_bytes = 2000;
    workers[2].pid = 13;
    workers[2].status = "maxJobsReached";
    workers[2].memory_bytes = 500;
    metrics::Registry registry;
    ASSERT_TRUE(registry.add_collector(
        std::make_shared<WorkerGaugesCollector>("rr_http", "HTTP", [&] { return workers; })));
    const prom::Exposition e = scrape(registry);
    EXPECT_EQ(e.value("rr_http_total_workers"), 3);
    EXPECT_EQ(e.value("rr_http_workers_memory_bytes"), 3500);
    EXPECT_EQ(e.value("rr_http_workers_ready"), 1);
    EXPECT_EQ(e.value("rr_http_workers_working"), 1);
    EXPECT_EQ(e.value("rr_http_workers_invalid"), 1);
    EXPECT_EQ(e.value("rr_http_worker_state", {{"state", "working"}, {"pid", "12"}}), 0);
    EXPECT_EQ(e.value("rr_http_worker_memory_bytes", {{"pid", "13"}}), 500);
    EXPECT_EQ(e.family("rr_http_total_workers")->help,
              "Total number of workers used by the HTTP plugin");
    EXPECT_EQ(e.family("rr_http_worker_state")->type, "gauge");

    // No workers (pool not started): the totals are 0, the per-worker families absent.
    workers.clear();
    const prom::Exposition empty = scrape(registry);
    EXPECT_EQ(empty.value("rr_http_total_workers"), 0);
    EXPECT_EQ(empty.family("rr_http_worker_state"), nullptr);
}

TEST(RunOn, RunsOnTheIoThreadAndTimesOutWhenItDoesNotRun) {
    boost::asio::io_context io;
    std::thread::id ran_on;
    std::thread t;
    {
        auto guard = boost::asio::make_work_guard(io);
        t = std::thread([&] { io.run(); });
        EXPECT_TRUE(run_on(
            io, [&] { ran_on = std::this_thread::get_id(); }, std::chrono::seconds(10)));
        EXPECT_EQ(ran_on, t.get_id());
    }
    t.join();
    // Nobody runs the io_context now.
    EXPECT_FALSE(run_on(
        io, [] {}, std::chrono::milliseconds(20)));
}

TEST(HttpMetrics, CountsByStatusWithUpstreamBuckets) {
    HttpMetrics m;
    metrics::Registry registry;
    for (auto& c : m.collectors()) ASSERT_TRUE(registry.add_collector(c));

    for (int i = 0; i < 3; ++i) m.end(m.begin(), 200, false);
    m.end(m.begin(), 500, true);
    m.end(m.begin(), 0, false);  // nothing was sent through the middleware
    const auto in_flight = m.begin();

    prom::Exposition e = scrape(registry);
    EXPECT_EQ(e.value("rr_http_request_total", {{"status", "200"}}), 3);
    EXPECT_EQ(e.value("rr_http_request_total", {{"status", "500"}}), 1);
    EXPECT_EQ(e.value("rr_http_request_total", {{"status", "-1"}}), 1);
    EXPECT_EQ(e.value("rr_http_request_duration_seconds_count", {{"status", "200"}}), 3);
    EXPECT_EQ(e.value("rr_http_request_duration_seconds_bucket", {{"status", "200"}, {"le", "60"}}),
              3);
    EXPECT_TRUE(
        e.value("rr_http_request_duration_seconds_bucket", {{"status", "200"}, {"le", "0.005"}}));
    EXPECT_TRUE(
        e.value("rr_http_request_duration_seconds_bucket", {{"status", "200"}, {"le", "20"}}));
    EXPECT_EQ(e.value("rr_http_requests_queue"), 1);
    EXPECT_EQ(e.value("rr_http_no_free_workers_total"), 1);
    EXPECT_EQ(e.family("rr_http_uptime_seconds"), nullptr);  // not started

    m.end(in_flight, 200, false);
    m.start();
    e = scrape(registry);
    EXPECT_EQ(e.value("rr_http_requests_queue"), 0);
    EXPECT_EQ(e.value("rr_http_request_total", {{"status", "200"}}), 4);
    ASSERT_NE(e.family("rr_http_uptime_seconds"), nullptr);
    EXPECT_EQ(e.family("rr_http_uptime_seconds")->type, "counter");
    EXPECT_EQ(e.family("rr_http_request_total")->help,
              "Total number of handled http requests after server restart.");
}

TEST(HttpMetrics, ConcurrentUpdatesWhileScrapingLoseNothing) {
    HttpMetrics m;
    metrics::Registry registry;
    for (auto& c : m.collectors()) ASSERT_TRUE(registry.add_collector(c));
    constexpr int kPerThread = 20000;
    std::atomic<bool> done{false};
    std::thread scraper([&] {
        while (!done.load()) {
            auto r = prom::parse(registry.scrape_text());
            ASSERT_TRUE(r) << r.error;
        }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i)
                m.end(m.begin(), t == 0 ? 200 : 200 + i % 3, false);
        });
    }
    for (auto& t : threads) t.join();
    done = true;
    scraper.join();
    const prom::Exposition e = scrape(registry);
    const double total = *e.value("rr_http_request_total", {{"status", "200"}}) +
                         *e.value("rr_http_request_total", {{"status", "201"}}) +
                         *e.value("rr_http_request_total", {{"status", "202"}});
    EXPECT_EQ(total, 2 * kPerThread);
    EXPECT_EQ(e.value("rr_http_requests_queue"), 0);
}

}  // namespace
}  // namespace rr::plugins
