// E2E: the control plane with `http.io_threads: 2` (docs/scaling.md): `rr workers`, informer
// RPC, `rr reset`, AddWorker/RemoveWorker see and act on every loop's pool shard.
#include "e2e/ctl/ctl_fixture.h"

namespace rr::e2e {
namespace {

class IoThreadsCtl : public CtlE2E {
protected:
    static CtlScenario two_loops(int workers) {
        return CtlScenario().workers(workers).http_extra("  io_threads: 2\n");
    }
};

TEST_F(IoThreadsCtl, WorkersListsTheWorkersOfEveryLoop) {
    ASSERT_NO_FATAL_FAILURE(start(two_loops(4)));
    EXPECT_NE(rr_->err().find("4 workers, json requests, 2 I/O threads"), std::string::npos)
        << rr_->err();
    const CliRun run = cli({"workers"});
    ASSERT_EQ(run.code, 0) << run.err;
    const auto pids = table_pids(run.out);
    EXPECT_EQ(pids.size(), 4u) << run.out;
    EXPECT_EQ(pids, worker_pids());
    // Every request is served by one of them, whichever loop accepted it.
    for (int i = 0; i < 8; ++i) {
        const Json answer = get("/who");
        ASSERT_TRUE(answer.is_object());
        EXPECT_TRUE(pids.count(answer["pid"].get<std::int64_t>())) << answer.dump();
    }
}

TEST_F(IoThreadsCtl, ResetReplacesTheWorkersOfEveryLoop) {
    ASSERT_NO_FATAL_FAILURE(start(two_loops(2)));
    const auto before = worker_pids();
    ASSERT_EQ(before.size(), 2u);
    const CliRun run = cli({"reset", "-s"});
    EXPECT_EQ(run.code, 0) << run.err;
    const auto after = worker_pids();
    EXPECT_EQ(after.size(), 2u);
    for (auto pid : after) EXPECT_FALSE(before.count(pid)) << "worker " << pid << " survived";
    for (int i = 0; i < 6; ++i) {
        const Json answer = get("/after");
        ASSERT_TRUE(answer.is_object());
        EXPECT_TRUE(after.count(answer["pid"].get<std::int64_t>())) << answer.dump();
    }
}

TEST_F(IoThreadsCtl, AddAndRemoveWorkerReachTheShards) {
    ASSERT_NO_FATAL_FAILURE(start(two_loops(2)));
    rpc::Client c = rpc_client();
    ASSERT_TRUE(c.call("informer.AddWorker", "http", std::chrono::seconds(30)));
    EXPECT_EQ(worker_pids().size(), 3u);
    ASSERT_TRUE(c.call("informer.RemoveWorker", "http", std::chrono::seconds(30)));
    // A removed busy worker leaves after its job; an idle one at once: wait for the count.
    std::size_t n = 0;
    const auto deadline = Clock::now() + kTimeout;
    while ((n = worker_pids().size()) != 2 && Clock::now() < deadline) {
        rr_->wait_for("\x01never", milliseconds(50), true);
    }
    EXPECT_EQ(n, 2u);
    const Json answer = get("/after");
    EXPECT_TRUE(answer.is_object());
}

}  // namespace
}  // namespace rr::e2e
