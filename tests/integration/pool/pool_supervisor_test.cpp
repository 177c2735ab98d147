// Supervisor limits with real workers: exec_ttl is hard (job fails, worker killed), ttl /
// idle_ttl / max_worker_memory are soft (a busy worker finishes its job first; #1561).

#include <boost/asio/detached.hpp>

#include "pool_fixture.h"

namespace rr::test {
namespace {

using pool::Payload;
using pool::Response;

TEST_F(PoolTest, ExecTtlKillsAHungJobAndReplacesTheWorker) {
    auto o = options("worker.php", 1);
    o.supervisor.exec_ttl = 300ms;
    o.supervisor.watch_tick = 100ms;
    ASSERT_TRUE(create(o));
    const auto before = pids();
    const auto start = std::chrono::steady_clock::now();
    auto r = exec("hang");
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kExecTtl));
    EXPECT_GE(took, 280ms);
    EXPECT_LT(took, 5s);
    EXPECT_TRUE(run_until([&] {
        auto now = pids();
        return now.size() == 1 && now != before;
    }));
    EXPECT_TRUE(exec("echo:alive"));
}

TEST_F(PoolTest, TtlReplacesIdleWorkers) {
    auto o = options("worker.php", 2);
    o.supervisor.ttl = 300ms;
    o.supervisor.watch_tick = 50ms;
    ASSERT_TRUE(create(o));
    const auto before = pids();
    EXPECT_TRUE(run_until([&] {
        auto now = pids();
        if (now.size() != 2) {
            return false;
        }
        for (int p : now) {
            if (before.count(p)) {
                return false;
            }
        }
        return true;
    }));
}

TEST_F(PoolTest, TtlNeverInterruptsARunningJob) {
    auto o = options("worker.php", 1);
    o.supervisor.ttl = 200ms;
    o.supervisor.watch_tick = 50ms;
    ASSERT_TRUE(create(o));
    auto r = exec("sleep:700");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r.value().body(), "slept");
}

TEST_F(PoolTest, IdleTtlReplacesOnlyWorkersThatServedAJob) {
    auto o = options("worker.php", 2);
    o.supervisor.idle_ttl = 300ms;
    o.supervisor.watch_tick = 50ms;
    ASSERT_TRUE(create(o));
    const auto before = pids();
    auto r = exec("pid");
    ASSERT_TRUE(r);
    const int used = std::atoi(std::string(r.value().body()).c_str());
    EXPECT_TRUE(run_until([&] { return pids().size() == 2 && !pids().count(used); }));
    // The worker that never served a job is still there.
    for (int p : before) {
        if (p != used) {
            EXPECT_TRUE(pids().count(p));
        }
    }
}

TEST_F(PoolTest, MaxWorkerMemoryIsSoftTheJobFinishesThenTheWorkerIsReplaced) {
    auto o = options("worker.php", 1);
    o.supervisor.max_worker_memory = 40ull * 1024 * 1024;
    o.supervisor.watch_tick = 50ms;
    o.spawn.argv = {"php", "-d", "memory_limit=512M", fixture("worker.php")};
    ASSERT_TRUE(create(o));
    const auto before = pids();
    // One job grows to 64 MB and then keeps running across several ticks with RSS over the
    // limit: it must complete (upstream #1561 killed it), and only then is the worker replaced.
    auto r = exec("grow:64:500");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_TRUE(pool_sink_->contains("limit reached while busy"));
    EXPECT_TRUE(run_until([&] {
        auto now = pids();
        return now.size() == 1 && now != before;
    }));
}

}  // namespace
}  // namespace rr::test
