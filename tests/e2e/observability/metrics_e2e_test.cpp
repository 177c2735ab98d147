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
