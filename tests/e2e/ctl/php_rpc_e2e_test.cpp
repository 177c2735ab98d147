// E2E: our PHP RPC client (php/src/Goridge/RPC) against the real `rr serve`: every control-plane
// method answers with RoadRunner's shapes (PROTOCOL.md §5.4) and errors reach PHP as
// ServiceException("Error '<text>' on <relay>").
#include <set>

#include "e2e/ctl/ctl_fixture.h"
#include "rpc/base64.h"

namespace rr::e2e {
namespace {

class PhpRpc : public CtlE2E {
protected:
    /// Runs tests/e2e/ctl/php/rpc_calls.php against this rr; its JSON output.
    Json run_calls() {
        ChildProcess php(
            {"/usr/bin/php", (fs::path(RR_SOURCE_DIR) / "tests/e2e/ctl/php/rpc_calls.php").string(),
             rpc_listen()},
            dir_.string());
        std::optional<int> code;
        const auto deadline = Clock::now() + kTimeout * 4;
        while (!code && Clock::now() < deadline) {
            code = php.wait_exit(milliseconds(50));
            rr_->drain();
        }
        EXPECT_EQ(code, 0) << php.out() << php.err();
        return Json::parse(php.out(), nullptr, false);
    }

    std::string on() const { return " on " + rpc_listen(); }
};

void expect_worker_shape(const Json& w) {
    // Exactly upstream's process.State keys and JSON types.
    const std::set<std::string> keys = {"pid",         "status",     "numExecs", "created",
                                        "memoryUsage", "CPUPercent", "command",  "statusStr"};
    std::set<std::string> got;
    for (const auto& [k, v] : w.items()) got.insert(k);
    EXPECT_EQ(got, keys) << w.dump();
    EXPECT_TRUE(w["pid"].is_number_integer());
    EXPECT_EQ(w["status"], 1);  // ready
    EXPECT_EQ(w["statusStr"], "ready");
    EXPECT_TRUE(w["numExecs"].is_number_unsigned());
    EXPECT_TRUE(w["memoryUsage"].is_number_unsigned());
    EXPECT_GT(w["memoryUsage"].get<std::uint64_t>(), 1000000u);  // a PHP process: MBs of RSS
    EXPECT_TRUE(w["CPUPercent"].is_number());
    EXPECT_GE(w["CPUPercent"].get<double>(), 0.0);
    EXPECT_EQ(w["command"], "");
    // created: Unix nanoseconds, within the last hour.
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto created = w["created"].get<std::int64_t>();
    EXPECT_GT(created, now - 3600LL * 1000000000);
    EXPECT_LE(created, now);
}

std::set<std::int64_t> pids_of(const Json& reply) {
    std::set<std::int64_t> pids;
    for (const auto& w : reply["ok"]["workers"]) pids.insert(w["pid"].get<std::int64_t>());
    return pids;
}

TEST_F(PhpRpc, EveryMethodAnswersWithUpstreamShapes) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(2)));
    const Json r = run_calls();
    ASSERT_TRUE(r.is_object());

    EXPECT_EQ(r["informer.List"], Json::parse(R"({"ok":["http"]})"));
    const Json& workers = r["informer.Workers"]["ok"]["workers"];
    ASSERT_TRUE(workers.is_array()) << r.dump();
    ASSERT_EQ(workers.size(), 2u);
    for (const auto& w : workers) expect_worker_shape(w);
    EXPECT_EQ(r["informer.Workers nope"], Json::parse(R"({"ok":{"workers":null}})"));
    EXPECT_EQ(r["resetter.List"], Json::parse(R"({"ok":["http"]})"));
    EXPECT_EQ(r["rpc.Version"], Json::parse(R"({"ok":"2024.3.5"})"));

    // rpc.Config: the merged config as JSON bytes, base64 in a JSON reply (Go's []byte).
    ASSERT_TRUE(r["rpc.Config"]["ok"].is_string()) << r.dump();
    const auto config = rpc::base64_decode(r["rpc.Config"]["ok"].get<std::string>());
    ASSERT_TRUE(config);
    const Json cfg = Json::parse(*config, nullptr, false);
    EXPECT_EQ(cfg["rpc"]["listen"], rpc_listen());
    EXPECT_EQ(cfg["http"]["pool"]["num_workers"], 2);

    // AddWorker / RemoveWorker: false, as upstream's untouched reply bool; the pool follows.
    EXPECT_EQ(r["informer.AddWorker"], Json::parse(R"({"ok":false})"));
    EXPECT_EQ(r["workers after add"]["ok"]["workers"].size(), 3u) << r.dump();
    EXPECT_EQ(r["informer.RemoveWorker"], Json::parse(R"({"ok":false})"));
    EXPECT_EQ(r["workers after remove"]["ok"]["workers"].size(), 2u) << r.dump();
    EXPECT_EQ(r["informer.AddWorker nope"]["error"],
              "Error 'plugin nope does not support workers management'" + on());

    // Reset: true, and every worker is new.
    EXPECT_EQ(r["resetter.Reset"], Json::parse(R"({"ok":true})"));
    const auto before = pids_of(r["workers after remove"]);
    const auto after = pids_of(r["workers after reset"]);
    EXPECT_EQ(after.size(), 2u);
    for (auto pid : after) EXPECT_FALSE(before.count(pid)) << pid;
    EXPECT_EQ(r["resetter.Reset nope"]["error"], "Error 'no such plugin: nope'" + on());
    EXPECT_EQ(r["unknown method"]["error"], "Error 'rpc: can't find method informer.Nope'" + on());
    EXPECT_EQ(r["prefixed"]["ok"]["workers"].size(), 2u);
}

}  // namespace
}  // namespace rr::e2e
