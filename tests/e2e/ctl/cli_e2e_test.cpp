// E2E: `rr reset` and `rr workers` (the real CLI) against the real `rr serve` with PHP workers
// (BEHAVIOUR.md §2.1; docs/cli.md).
#include "e2e/ctl/ctl_fixture.h"

namespace rr::e2e {
namespace {

class Cli : public CtlE2E {};

TEST_F(Cli, WorkersListsEveryWorkerPid) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(3)));
    const CliRun run = cli({"workers"});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.err, "");
    EXPECT_EQ(run.out.rfind("Workers of [http]:\n", 0), 0u) << run.out;
    EXPECT_NE(run.out.find(" PID "), std::string::npos) << run.out;
    // Column widths follow the content (a CPU% of 10.53 or a CREATED of "1 second ago" widens
    // its column and may centre the title): check the titles as words.
    for (const char* title : {" STATUS ", " EXECS ", " MEMORY ", " CPU% ", " CREATED "}) {
        EXPECT_NE(run.out.find(title), std::string::npos) << title << "\n" << run.out;
    }
    const auto pids = table_pids(run.out);
    EXPECT_EQ(pids.size(), 3u) << run.out;
    EXPECT_EQ(pids, worker_pids());
    // The PID a request was served by is one of them.
    const Json answer = get("/who");
    ASSERT_TRUE(answer.is_object());
    EXPECT_TRUE(pids.count(answer["pid"].get<std::int64_t>())) << answer.dump();
    // Named plugins: http's table, and a line for one without workers.
    const CliRun named = cli({"workers", "http", "nope"});
    ASSERT_EQ(named.code, 0) << named.err;
    EXPECT_EQ(table_pids(named.out), pids);
    EXPECT_NE(named.out.find("Workers of [nope]: none\n"), std::string::npos) << named.out;
}

TEST_F(Cli, ResetChangesEveryWorkerPidAndPrintsNothingWithSilent) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(3)));
    const auto before = worker_pids();
    ASSERT_EQ(before.size(), 3u);
    const CliRun run = cli({"reset", "-s"});
    EXPECT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err, "");
    const auto after = worker_pids();
    EXPECT_EQ(after.size(), 3u);
    for (auto pid : after) EXPECT_FALSE(before.count(pid)) << "worker " << pid << " survived";
    // And the new workers serve.
    const Json answer = get("/after");
    ASSERT_TRUE(answer.is_object());
    EXPECT_TRUE(after.count(answer["pid"].get<std::int64_t>()));
    EXPECT_TRUE(rr_->wait_for("plugin http reset in ", kTimeout, true)) << rr_->err();
}

TEST_F(Cli, ResetReportsProgressOnStdoutAndFailuresOnStderr) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(1)));
    CliRun run = cli({"reset", "http"});
    EXPECT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.err, "");
    EXPECT_EQ(run.out.rfind("resetting plugin: [http]\nplugin reset: [http] in ", 0), 0u)
        << run.out;
    // A plugin that cannot be reset: upstream's text, exit 1 (upstream's CLI exits 0 here).
    run = cli({"reset", "-s", "http", "nope"});
    EXPECT_EQ(run.code, 1);
    EXPECT_EQ(run.err, "error: reset nope: no such plugin: nope\n");
    EXPECT_EQ(run.out, "");
}

TEST_F(Cli, OctaneResetArgvInADirWithAnEmptyConfig) {
    // laravel/octane (RoadRunnerServerProcessInspector::reloadServer): in the app dir, whose
    // .rr.yaml it created empty, `rr reset -o version=3 -o rpc.listen=tcp://HOST:PORT -s`;
    // any stderr output becomes an exception.
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(2)));
    const fs::path app = dir_ / "app";
    fs::create_directories(app);
    std::ofstream(app / ".rr.yaml").close();
    const auto before = worker_pids();
    const CliRun run =
        cli({"reset", "-o", "version=3", "-o", "rpc.listen=" + rpc_listen(), "-s"}, app);
    EXPECT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.err, "");
    EXPECT_EQ(run.out, "");
    const auto after = worker_pids();
    EXPECT_EQ(after.size(), 2u);
    for (auto pid : after) EXPECT_FALSE(before.count(pid));
}

TEST_F(Cli, UnixSocketRpc) {
    // rpc.listen relative to the working directory (the config's directory), as the CLI reads it.
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(2).rpc_listen("unix://rr-rpc.sock")));
    EXPECT_TRUE(fs::is_socket(dir_ / "rr-rpc.sock"));
    const CliRun workers = cli({"workers"});
    ASSERT_EQ(workers.code, 0) << workers.err;
    EXPECT_EQ(table_pids(workers.out).size(), 2u) << workers.out;
    const CliRun reset = cli({"reset", "-s"});
    EXPECT_EQ(reset.code, 0) << reset.err;
    EXPECT_EQ(reset.err, "");
    const CliRun after = cli({"workers"});
    for (auto pid : table_pids(after.out)) EXPECT_FALSE(table_pids(workers.out).count(pid));
    EXPECT_EQ(get("/env")["rpc"], "unix://rr-rpc.sock");  // RR_RPC as written
}

TEST_F(Cli, RpcAddressGivenToWorkersIsTheListenAddress) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(1)));
    const Json answer = get("/env");
    ASSERT_TRUE(answer.is_object());
    EXPECT_EQ(answer["rpc"], rpc_listen());  // Environment::getRPCAddress() in the worker
}

}  // namespace
}  // namespace rr::e2e
