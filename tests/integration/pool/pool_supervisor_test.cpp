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
    boost::system::error_code cause;
    auto r = exec("hang", "{}", nullptr, &cause);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kWorkerLost));  // killed before answering
    EXPECT_EQ(cause, make_error_code(errc::kExecTtl));
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
    EXPECT_TRUE(all_workers_replaced(before, 2));
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

namespace rr::test {
namespace {

TEST_F(PoolTest, DynamicAllocatorAddsExtraWorkersAfterAllocateTimeoutAndRemovesIdleOnes) {
    auto o = options("worker.php", 1);
    o.allocate_timeout = 300ms;
    o.dynamic_allocator.max_workers = 2;
    o.dynamic_allocator.spawn_rate = 2;
    o.dynamic_allocator.idle_timeout = 400ms;
    ASSERT_TRUE(create(o));
    std::optional<Result<Response>> slow;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            std::string body = "sleep:2500";
            slow.emplace(co_await pool_->exec(Payload{"{}", body}));
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return pool_->stats().busy == 1; }));
    // No free worker within allocate_timeout: extras are started and this job takes one.
    auto r = exec("echo:on an extra");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r.value().body(), "on an extra");
    EXPECT_TRUE(run_until([&] { return pool_->stats().extra == 2; }));  // both extras up
    EXPECT_EQ(pool_->workers().size(), 3u);
    EXPECT_TRUE(pool_sink_->contains("starting 2 extra worker(s)"));
    // Idle extras go away after idle_timeout; the base worker stays.
    EXPECT_TRUE(run_until([&] { return pool_->stats().extra == 0; }));
    ASSERT_TRUE(run_until([&] { return slow.has_value(); }));
    EXPECT_TRUE(*slow);
    EXPECT_EQ(pool_->workers().size(), 1u);
}

TEST_F(PoolTest, DynamicAllocatorRespectsMaxWorkersAndExtrasAreNotReplaced) {
    auto o = options("worker.php", 1);
    o.allocate_timeout = 300ms;
    o.dynamic_allocator.max_workers = 1;
    o.dynamic_allocator.spawn_rate = 5;
    o.dynamic_allocator.idle_timeout = 60s;
    ASSERT_TRUE(create(o));
    std::optional<Result<Response>> slow;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            std::string body = "sleep:3000";
            slow.emplace(co_await pool_->exec(Payload{"{}", body}));
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return pool_->stats().busy == 1; }));
    auto crash = exec("crash:extra goes away");  // runs on the single extra
    ASSERT_FALSE(crash);
    EXPECT_EQ(crash.error(), make_error_code(errc::kWorkerLost));
    EXPECT_TRUE(run_until([&] { return pool_->stats().extra == 0; }));
    EXPECT_EQ(pool_->stats().starting, 0u);  // the extra is not replaced
    ASSERT_TRUE(run_until([&] { return slow.has_value(); }));
    EXPECT_TRUE(*slow);
    EXPECT_EQ(pool_->workers().size(), 1u);
}

}  // namespace
}  // namespace rr::test
