// The metrics plugin against a real rr with PHP workers (BEHAVIOUR.md §3.16, docs/metrics.md):
// every scrape is parsed by the strict exposition parser.

#include <set>

#include "e2e/observability/obs_fixture.h"

namespace rr::e2e {
namespace {

TEST_F(ObsE2E, ScrapeShowsPoolGaugesProcessMetricsAndConfiguredCollectors) {
    ASSERT_NO_FATAL_FAILURE(launch(config({.workers = 2,
                                           .extra = "  collect:\n"
                                                    "    app_jobs:\n"
                                                    "      type: counter\n"
                                                    "      help: Jobs done.\n"
                                                    "      namespace: app\n"
                                                    "    app_temperature:\n"
                                                    "      type: gauge\n"})));
    for (int i = 0; i < 3; ++i) {
        auto r = get(http_port_, "/hello");
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
    }
    const prom::Exposition e = scrape();
    EXPECT_EQ(e.value("rr_http_total_workers"), 2);
    EXPECT_EQ(e.value("rr_http_workers_ready"), 2);
    EXPECT_EQ(e.value("rr_http_workers_working"), 0);
    EXPECT_EQ(e.value("rr_http_workers_invalid"), 0);
    ASSERT_NE(e.family("rr_http_worker_state"), nullptr);
    std::set<std::string> pids;
    for (const auto& s : e.family("rr_http_worker_state")->samples) {
        EXPECT_EQ(s.label("state"), "ready");
        EXPECT_EQ(s.value, 0);
        pids.insert(*s.label("pid"));
    }
    EXPECT_EQ(pids.size(), 2u);
    double memory = 0;
    for (const auto& s : e.family("rr_http_worker_memory_bytes")->samples) {
        EXPECT_GT(s.value, 1e6);  // a PHP process has more than a megabyte resident
        EXPECT_TRUE(pids.contains(*s.label("pid")));
        memory += s.value;
    }
    EXPECT_EQ(e.value("rr_http_workers_memory_bytes"), memory);
    EXPECT_GT(*e.value("process_resident_memory_bytes"), 0);
    EXPECT_GT(*e.value("process_open_fds"), 0);
    // metrics.collect: declared at start, exposed under namespace_name.
    EXPECT_EQ(e.value("app_app_jobs_total"), std::nullopt);
    EXPECT_EQ(e.value("app_app_jobs"), 0);
    EXPECT_EQ(e.family("app_app_jobs")->help, "Jobs done.");
    EXPECT_EQ(e.value("app_temperature"), 0);
}

TEST_F(ObsE2E, HttpMetricsCountKnownRequestsByStatus) {
    ASSERT_NO_FATAL_FAILURE(
        launch(config({.workers = 2, .http_extra = "  middleware: [\"http_metrics\"]\n"})));
    // Nothing counted yet: the labelled families are absent, the scalars are 0.
    prom::Exposition e = scrape();
    EXPECT_EQ(e.family("rr_http_request_total"), nullptr);
    EXPECT_EQ(e.value("rr_http_requests_queue"), 0);
    EXPECT_EQ(e.value("rr_http_no_free_workers_total"), 0);

    for (int i = 0; i < 5; ++i) ASSERT_EQ(get(http_port_, "/hello")->status, 200);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(get(http_port_, "/code?c=404")->status, 404);
    ASSERT_EQ(get(http_port_, "/code?c=503")->status, 503);

    e = scrape_until([](const prom::Exposition& x) {
        return x.value("rr_http_request_total", {{"status", "503"}}).has_value();
    });
    EXPECT_EQ(e.value("rr_http_request_total", {{"status", "200"}}), 5);
    EXPECT_EQ(e.value("rr_http_request_total", {{"status", "404"}}), 2);
    EXPECT_EQ(e.value("rr_http_request_total", {{"status", "503"}}), 1);
    EXPECT_EQ(e.family("rr_http_request_total")->samples.size(), 3u);
    EXPECT_EQ(e.family("rr_http_request_total")->type, "counter");
    EXPECT_EQ(e.value("rr_http_request_duration_seconds_count", {{"status", "200"}}), 5);
    EXPECT_EQ(e.value("rr_http_request_duration_seconds_count", {{"status", "404"}}), 2);
    EXPECT_EQ(
        e.value("rr_http_request_duration_seconds_bucket", {{"status", "200"}, {"le", "+Inf"}}), 5);
    // Upstream's buckets, all of them.
    int buckets = 0;
    for (const auto& smp : e.family("rr_http_request_duration_seconds")->samples) {
        if (smp.name == "rr_http_request_duration_seconds_bucket" && smp.label("status") == "200") {
            ++buckets;
        }
    }
    EXPECT_EQ(buckets, 15);  // 14 bounds and +Inf
    EXPECT_TRUE(
        e.value("rr_http_request_duration_seconds_bucket", {{"status", "200"}, {"le", "0.005"}}));
    EXPECT_TRUE(
        e.value("rr_http_request_duration_seconds_bucket", {{"status", "200"}, {"le", "60"}}));
    EXPECT_GT(*e.value("rr_http_request_duration_seconds_sum", {{"status", "200"}}), 0);
    EXPECT_EQ(e.value("rr_http_requests_queue"), 0);
    EXPECT_GE(*e.value("rr_http_uptime_seconds"), 0);
    EXPECT_EQ(e.family("rr_http_uptime_seconds")->type, "counter");
}

TEST_F(ObsE2E, HttpMetricsSeeTheQueueAndNoFreeWorkers) {
    ASSERT_NO_FATAL_FAILURE(launch(config({.workers = 1,
                                           .http_extra = "  middleware: [\"http_metrics\"]\n",
                                           .allocate_timeout = "1s"})));
    const std::string hold = make_fifo("hold");
    auto busy = send_async(http_port_, "/wait?fifo=" + hold);
    ASSERT_TRUE(rr_->wait_for("waiting on " + hold, kTimeout, true)) << rr_->err();
    EXPECT_EQ(scrape().value("rr_http_requests_queue"), 1);  // inside, being served

    // The only worker is busy: this one waits allocate_timeout and gets No-Workers.
    auto r = get(http_port_, "/hello");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->header("No-Workers"), "true");

    ASSERT_NO_FATAL_FAILURE(release_fifo(hold));
    ASSERT_TRUE(busy->read_final(kTimeout));
    const prom::Exposition e = scrape_until([](const prom::Exposition& x) {
        return x.value("rr_http_request_total", {{"status", "200"}}).has_value();
    });
    EXPECT_EQ(e.value("rr_http_no_free_workers_total"), 1);
    EXPECT_EQ(e.value("rr_http_request_total", {{"status", "500"}}), 1);
    EXPECT_EQ(e.value("rr_http_request_total", {{"status", "200"}}), 1);
    // The wait counts in the duration: over the 1 s allocate_timeout.
    EXPECT_EQ(e.value("rr_http_request_duration_seconds_bucket", {{"status", "500"}, {"le", "1"}}),
              0);
    EXPECT_EQ(e.value("rr_http_requests_queue"), 0);
}

TEST_F(ObsE2E, PhpMetricsClientDeclaresAddsObservesOverRpc) {
    ASSERT_NO_FATAL_FAILURE(launch(config({.workers = 1,
                                           .extra = "  collect:\n"
                                                    "    app_orders:\n"
                                                    "      type: counter\n"
                                                    "      help: Orders placed.\n"
                                                    "      labels: [kind]\n",
                                           .rpc = true})));
    // The worker declares (app_orders again: already declared in config, accepted), adds,
    // observes, sets and subtracts, as an app using spiral/roadrunner-metrics does.
    for (int n : {3, 4}) {
        auto r = get(http_port_, "/app-metrics?n=" + std::to_string(n));
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200) << r->body << rr_->err();
        EXPECT_EQ(r->body, "measured");
    }
    const prom::Exposition e = scrape();
    EXPECT_EQ(e.value("app_orders", {{"kind", "web"}}), 7);
    EXPECT_EQ(e.family("app_orders")->help, "Orders placed.");
    EXPECT_EQ(e.value("app_latency_count", {{"kind", "web"}}), 2);
    EXPECT_EQ(e.value("app_latency_bucket", {{"kind", "web"}, {"le", "0.1"}}), 0);
    EXPECT_EQ(e.value("app_latency_bucket", {{"kind", "web"}, {"le", "0.5"}}), 2);
    EXPECT_EQ(e.value("app_latency_sum", {{"kind", "web"}}), 0.6);
    EXPECT_EQ(e.value("shop_app_queue"), 5);

    // The same over RPC from outside a worker, and an error text as upstream's.
    const std::string out =
        php("$m = new Spiral\\RoadRunner\\Metrics\\Metrics(Spiral\\Goridge\\RPC\\RPC::create("
            "getenv('RR_RPC')));\n"
            "$m->add('app_orders', 1, ['cli']);\n"
            "try { $m->add('nope', 1); } catch (Throwable $e) { echo $e->getMessage(); }\n");
    EXPECT_NE(out.find("undefined collector nope"), std::string::npos) << out;
    EXPECT_EQ(scrape().value("app_orders", {{"kind", "cli"}}), 1);
}

TEST_F(ObsE2E, ScrapeIsGzippedWhenAskedAndServedOnAnyPath) {
    ASSERT_NO_FATAL_FAILURE(launch(config({.workers = 1})));
    auto r = get(metrics_port_, "/metrics", "Accept-Encoding: gzip\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("Content-Encoding"), "gzip");
    const std::string text = gunzip(r->body);
    auto parsed = prom::parse(text);
    ASSERT_TRUE(parsed) << parsed.error;
    EXPECT_EQ(parsed.exposition->value("rr_http_total_workers"), 1);

    // What Prometheus sends: the text format is answered whatever it lists first.
    r = get(metrics_port_, "/anything",
            "Accept: application/openmetrics-text;version=1.0.0;q=0.5,"
            "text/plain;version=0.0.4;q=0.3,*/*;q=0.2\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("Content-Encoding"), std::nullopt);
    EXPECT_TRUE(prom::parse(r->body));
}

TEST_F(ObsE2E, AnInvalidCollectorInConfigFailsTheStart) {
    ASSERT_NO_FATAL_FAILURE(launch(config({.extra = "  collect:\n"
                                                    "    bad-name:\n"
                                                    "      type: counter\n"}),
                                   ""));
    const auto code = rr_->wait_exit(kStartTimeout);
    EXPECT_EQ(code, 1);
    EXPECT_NE(rr_->err().find("metrics.collect"), std::string::npos) << rr_->err();
    EXPECT_NE(rr_->err().find("bad-name"), std::string::npos) << rr_->err();
    exited_ = true;
}

TEST_F(ObsE2E, APortAlreadyTakenFailsTheStart) {
    // A listener on the metrics port: the metrics plugin cannot bind and rr exits 1.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(metrics_port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    ASSERT_NO_FATAL_FAILURE(launch(config({}), ""));
    const auto code = rr_->wait_exit(kStartTimeout);
    ::close(fd);
    EXPECT_EQ(code, 1);
    EXPECT_NE(rr_->err().find("metrics.address"), std::string::npos) << rr_->err();
    exited_ = true;
}

}  // namespace
}  // namespace rr::e2e
