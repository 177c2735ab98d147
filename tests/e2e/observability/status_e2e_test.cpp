// The status plugin against a real rr with PHP workers (BEHAVIOUR.md §3.15, docs/status.md):
// probes while workers boot, in steady state, with every worker busy, and during a graceful
// stop with a request in flight.

#include <nlohmann/json.hpp>

#include "e2e/observability/obs_fixture.h"

namespace rr::e2e {
namespace {

using Json = nlohmann::json;

TEST_F(ObsE2E, ProbesWhileWorkersBootThenSteadyState) {
    const std::string boot = make_fifo("boot");
    ASSERT_NO_FATAL_FAILURE(
        launch(config({.workers = 1, .env = "    BOOT_FIFO: \"" + boot + "\"\n"}),
               "status server listening on"));

    // Workers are held at boot: the status listener answers, http is not available yet.
    auto r = get(status_port_, "/ready?plugin=http");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    Json j = Json::parse(r->body);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["plugin_name"], "http");
    EXPECT_EQ(j[0]["error_message"], "plugin is not available");
    EXPECT_EQ(j[0]["status_code"], 503);
    r = get(status_port_, "/health?plugin=http");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);

    ASSERT_NO_FATAL_FAILURE(release_fifo(boot));
    ASSERT_TRUE(rr_->wait_for("http server listening on", kStartTimeout, true)) << rr_->err();

    r = get(status_port_, "/ready?plugin=http");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("Content-Type"), "application/json");
    EXPECT_EQ(r->body, R"([{"plugin_name":"http","error_message":"","status_code":200}])");
    r = get(status_port_, "/health");  // every provider
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(Json::parse(r->body).size(), 1u);
    // Unknown names are skipped silently; several names give several reports.
    r = get(status_port_, "/health?plugin=nope");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "[]");
    r = get(status_port_, "/health?plugin=http&plugin=nope&plugin=http");
    ASSERT_TRUE(r);
    EXPECT_EQ(Json::parse(r->body).size(), 2u);
    r = get(status_port_, "/jobs");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    r = get(status_port_, "/other");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
}

TEST_F(ObsE2E, AllWorkersBusyIsHealthyButNotReady) {
    ASSERT_NO_FATAL_FAILURE(
        launch(config({.workers = 1, .status_extra = "  unavailable_status_code: 500\n"})));
    const std::string hold = make_fifo("hold");
    auto busy = send_async(http_port_, "/wait?fifo=" + hold);
    ASSERT_TRUE(rr_->wait_for("waiting on " + hold, kTimeout, true)) << rr_->err();

    auto r = get(status_port_, "/ready?plugin=http");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);  // the configured unavailable_status_code
    Json j = Json::parse(r->body);
    EXPECT_EQ(j[0]["status_code"], 500);
    EXPECT_EQ(j[0]["error_message"], "internal server error, see logs");
    // A working worker can take a job after this one: healthy.
    r = get(status_port_, "/health?plugin=http");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);

    // The pool gauges show it too.
    const prom::Exposition e = scrape();
    EXPECT_EQ(e.value("rr_http_workers_working"), 1);
    EXPECT_EQ(e.value("rr_http_workers_ready"), 0);

    ASSERT_NO_FATAL_FAILURE(release_fifo(hold));
    auto answer = busy->read_final(kTimeout);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200);
    EXPECT_EQ(answer->body, "released");
    r = get(status_port_, "/ready?plugin=http");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

TEST_F(ObsE2E, GracefulStopTurnsReadinessOffFirstAndFinishesInFlightRequests) {
    ASSERT_NO_FATAL_FAILURE(launch(config({.workers = 1})));
    const std::string hold = make_fifo("hold");
    auto in_flight = send_async(http_port_, "/wait?fifo=" + hold);
    ASSERT_TRUE(rr_->wait_for("waiting on " + hold, kTimeout, true)) << rr_->err();

    rr_->signal(SIGTERM);
    ASSERT_TRUE(rr_->wait_for("stop signal received", kTimeout, /*on_stderr=*/false)) << rr_->out();

    // The stop has begun and the request is still in flight: not ready, but alive.
    auto r = get(status_port_, "/ready?plugin=http");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->body, "service is shutting down\n");
    r = get(status_port_, "/health?plugin=http");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "service is shutting down\n");
    // New connections to the http listener are refused while it drains.
    EXPECT_THROW(RawClient{http_port_}, std::runtime_error);

    // The in-flight request completes, then rr exits cleanly.
    ASSERT_NO_FATAL_FAILURE(release_fifo(hold));
    auto answer = in_flight->read_final(kTimeout);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200);
    EXPECT_EQ(answer->body, "released");
    EXPECT_EQ(rr_->wait_exit(kTimeout), 0) << rr_->err();
    exited_ = true;
}

TEST_F(ObsE2E, StatusAndReadyOverRpc) {
    ASSERT_NO_FATAL_FAILURE(launch(config({.workers = 1, .rpc = true})));
    const std::string out =
        php("$rpc = Spiral\\Goridge\\RPC\\RPC::create(getenv('RR_RPC'));\n"
            "echo json_encode($rpc->call('status.Status', 'http')), \"\\n\";\n"
            "echo json_encode($rpc->call('status.Ready', 'http')), \"\\n\";\n"
            "try { $rpc->call('status.Ready', 'nope'); } catch (Throwable $e) {\n"
            "  echo $e->getMessage(), \"\\n\"; }\n");
    EXPECT_NE(out.find("{\"Code\":200}\n{\"Code\":200}\n"), std::string::npos) << out;
    EXPECT_NE(out.find("checker_rpc_ready: checker_plugin_ready: no such plugin: nope"),
              std::string::npos)
        << out;
}

}  // namespace
}  // namespace rr::e2e
