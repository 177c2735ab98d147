// Reset (every worker replaced, queued jobs do not fail) and graceful destroy (stop command,
// destroy_timeout, then SIGKILL), with the fixture's leak check after each test.

#include <boost/asio/detached.hpp>

#include "pool_fixture.h"

namespace rr::test {
namespace {

using pool::Payload;
using pool::Response;

TEST_F(PoolTest, ResetReplacesEveryWorkerWithoutFailingBusyOrQueuedJobs) {
    ASSERT_TRUE(create(options("worker.php", 2)));
    const auto before = pids();
    std::vector<std::optional<Result<Response>>> results(4);
    const char* bodies[] = {"sleep:300", "sleep:300", "echo:q1", "echo:q2"};
    for (std::size_t i = 0; i < results.size(); ++i) {
        asio::co_spawn(
            io_,
            [&, i]() -> asio::awaitable<void> {
                std::string body = bodies[i];
                results[i].emplace(co_await pool_->exec(Payload{"{}", body}));
            },
            asio::detached);
    }
    ASSERT_TRUE(run_until([&] { return pool_->stats().queued == 2; }));
    auto reset = run([p = pool_] { return p->reset(); });
    ASSERT_TRUE(reset) << reset.error().message();
    ASSERT_TRUE(run_until([&] {
        for (auto& r : results) {
            if (!r) {
                return false;
            }
        }
        return true;
    }));
    for (auto& r : results) {
        ASSERT_TRUE(*r) << r->error().message();
    }
    EXPECT_EQ(results[2]->value().body(), "q1");
    EXPECT_EQ(results[3]->value().body(), "q2");
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

TEST_F(PoolTest, DestroyLetsABusyJobFinishAndStopsEveryWorker) {
    ASSERT_TRUE(create(options("worker.php", 2)));
    std::optional<Result<Response>> busy;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            std::string body = "sleep:300";
            busy.emplace(co_await pool_->exec(Payload{"{}", body}));
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return pool_->stats().busy == 1; }));
    run([p = pool_]() -> asio::awaitable<int> {
        co_await p->destroy();
        co_return 0;
    });
    ASSERT_TRUE(busy.has_value());
    EXPECT_TRUE(*busy);
    EXPECT_TRUE(pool_->workers().empty());
    EXPECT_TRUE(child_pids().size() <= baseline_children_);
    auto after = exec("echo:late");
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error(), make_error_code(errc::kPoolStopped));
}

TEST_F(PoolTest, DestroyKillsAJobStillRunningAfterDestroyTimeout) {
    auto o = options("worker.php", 1);
    o.destroy_timeout = 300ms;
    ASSERT_TRUE(create(o));
    std::optional<Result<Response>> hung;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            std::string body = "hang";
            hung.emplace(co_await pool_->exec(Payload{"{}", body}));
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return pool_->stats().busy == 1; }));
    const auto start = std::chrono::steady_clock::now();
    run([p = pool_]() -> asio::awaitable<int> {
        co_await p->destroy();
        co_return 0;
    });
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    ASSERT_TRUE(run_until([&] { return hung.has_value(); }));
    EXPECT_FALSE(*hung);
}

TEST_F(PoolTest, WaitingJobsFailWithPoolStoppedOnDestroy) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    std::optional<Result<Response>> busy, waiting;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            std::string body = "sleep:300";
            busy.emplace(co_await pool_->exec(Payload{"{}", body}));
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return pool_->stats().busy == 1; }));
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            std::string body = "echo:x";
            waiting.emplace(co_await pool_->exec(Payload{"{}", body}));
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return pool_->stats().queued == 1; }));
    run([p = pool_]() -> asio::awaitable<int> {
        co_await p->destroy();
        co_return 0;
    });
    ASSERT_TRUE(waiting.has_value());
    ASSERT_FALSE(*waiting);
    EXPECT_EQ(waiting->error(), make_error_code(errc::kPoolStopped));
    ASSERT_TRUE(busy.has_value());
    EXPECT_TRUE(*busy);
}

TEST_F(PoolTest, AnIdleWorkerKilledFromOutsideIsReplaced) {
    ASSERT_TRUE(create(options("worker.php", 2)));
    const auto before = pids();
    ::kill(*before.begin(), SIGKILL);
    EXPECT_TRUE(run_until([&] {
        auto now = pids();
        return now.size() == 2 && !now.count(*before.begin());
    }));
    EXPECT_TRUE(pool_sink_->contains("exited while idle"));
    EXPECT_TRUE(exec("echo:fine"));
}

}  // namespace
}  // namespace rr::test
