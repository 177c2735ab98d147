// deploy/rr.yaml (the config the systemd unit and the container image use) started by a real rr
// with its listeners moved to free ports: the probe paths the Kubernetes manifests and the
// image's HEALTHCHECK use answer 200, and Prometheus can scrape it.

#include <fstream>
#include <sstream>

#include "e2e/observability/obs_fixture.h"

namespace rr::e2e {
namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST_F(ObsE2E, DeployConfigAnswersTheProbesTheManifestsUse) {
    const fs::path repo(RR_SOURCE_DIR);
    const std::string deployment = read_text(repo / "deploy/kubernetes/deployment.yaml");
    const std::string dockerfile = read_text(repo / "deploy/container/Dockerfile");
    for (const char* path : {"/ready?plugin=http", "/health?plugin=http"}) {
        ASSERT_NE(deployment.find(std::string("path: ") + path), std::string::npos) << path;
    }
    ASSERT_NE(dockerfile.find("/health?plugin=http"), std::string::npos);

    const fs::path worker = repo / "tests/e2e/observability/php/obs.php";
    const std::uint16_t rpc_port = free_port();
    launch_args({"serve", "-c", (repo / "deploy/rr.yaml").string(), "-o",
                 "server.command=php " + worker.string(), "-o",
                 "http.address=127.0.0.1:" + std::to_string(http_port_), "-o",
                 "http.pool.num_workers=1", "-o",
                 "status.address=127.0.0.1:" + std::to_string(status_port_), "-o",
                 "metrics.address=127.0.0.1:" + std::to_string(metrics_port_), "-o",
                 "rpc.listen=tcp://127.0.0.1:" + std::to_string(rpc_port)});
    // The http channel logs at warn in this config: wait for the start line on stdout.
    ASSERT_TRUE(rr_->wait_for("RoadRunner server started", kStartTimeout)) << rr_->err();

    for (const char* path : {"/ready?plugin=http", "/health?plugin=http"}) {
        auto r = get(status_port_, path);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    }
    auto r = get(http_port_, "/hello");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    const prom::Exposition e = scrape();
    EXPECT_EQ(e.value("rr_http_total_workers"), 1);
}

}  // namespace
}  // namespace rr::e2e
