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
    EXPECT_TRUE(all_workers_replaced(before, 2));
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

namespace rr::test {
namespace {

TEST_F(PoolTest, MixedLoadWithCrashesErrorsAndStopRequestsLeavesAHealthyPool) {
    auto o = options("worker.php", 3);
    o.max_jobs = 7;
    ASSERT_TRUE(create(o));
    constexpr int kJobs = 120;
    int done = 0, ok = 0, soft = 0, crashed = 0, other = 0;
    auto marker_dir = std::string("/tmp/rr_pool_mixed_") + std::to_string(::getpid());
    for (int i = 0; i < kJobs; ++i) {
        std::string body;
        switch (i % 6) {
            case 0:
                body = "crash:mixed crash " + std::to_string(i);
                break;
            case 1:
                body = "error:mixed error";
                break;
            case 2:
                body = "stop_once:" + marker_dir + "_" + std::to_string(i);
                break;
            case 3:
                body = "stream:6";
                break;
            default:
                body = "echo:" + std::to_string(i);
                break;
        }
        asio::co_spawn(
            io_,
            [&, body, i]() -> asio::awaitable<void> {
                std::string ctx = "{}";
                auto r = co_await pool_->exec(Payload{ctx, body});
                if (r) {
                    ++ok;
                    if (i % 6 >= 4) {
                        EXPECT_EQ(r.value().body(), std::to_string(i));
                    }
                } else if (r.error() == make_error_code(errc::kWorkerSoftError)) {
                    ++soft;
                } else if (r.error() == make_error_code(errc::kWorkerLost)) {
                    ++crashed;
                } else {
                    ++other;
                    ADD_FAILURE() << body << ": " << r.error().message();
                }
                ++done;
            },
            asio::detached);
    }
    ASSERT_TRUE(run_until([&] { return done == kJobs; }, 120s));
    for (int i = 0; i < kJobs; ++i) {
        ::unlink((marker_dir + "_" + std::to_string(i)).c_str());
    }
    EXPECT_EQ(crashed, kJobs / 6);
    EXPECT_EQ(soft, kJobs / 6);
    EXPECT_EQ(ok, kJobs - 2 * (kJobs / 6));
    EXPECT_EQ(other, 0);
    EXPECT_TRUE(run_until([&] {
        auto s = pool_->stats();
        return s.workers == 3 && s.ready == 3 && s.starting == 0;
    }));
    EXPECT_TRUE(exec("echo:healthy"));
}

}  // namespace
}  // namespace rr::test

namespace rr::test {
namespace {

TEST_F(PoolTest, ResetAndDestroyDuringLoadFinishEveryJobAndLeakNothing) {
    auto o = options("worker.php", 2);
    o.destroy_timeout = 2s;
    ASSERT_TRUE(create(o));
    constexpr int kJobs = 60;
    int done = 0, ok = 0, failed = 0;
    for (int i = 0; i < kJobs; ++i) {
        std::string body = i % 5 == 0 ? "stream_forever" : i % 3 == 0 ? "sleep:20" : "echo:x";
        asio::co_spawn(
            io_,
            [&, body]() -> asio::awaitable<void> {
                std::string ctx = "{}";
                if (body == "stream_forever") {
                    auto s = co_await pool_->exec_stream(Payload{ctx, body});
                    if (s) {
                        for (int k = 0; k < 3 && !s.value().finished(); ++k) {
                            co_await s.value().next();
                        }
                        // dropped unfinished: drained in the background
                    }
                    s ? ++ok : ++failed;
                } else {
                    auto r = co_await pool_->exec(Payload{ctx, body});
                    if (!r && r.error() != make_error_code(errc::kPoolStopped)) {
                        ADD_FAILURE() << body << ": " << r.error().message();
                    }
                    r ? ++ok : ++failed;
                }
                ++done;
            },
            asio::detached);
    }
    ASSERT_TRUE(run_until([&] { return done >= kJobs / 3; }, 60s));
    auto reset = run([p = pool_] { return p->reset(); });
    EXPECT_TRUE(reset);
    ASSERT_TRUE(run_until([&] { return done >= 2 * kJobs / 3; }, 60s));
    run([p = pool_]() -> asio::awaitable<int> {
        co_await p->destroy();
        co_return 0;
    });
    ASSERT_TRUE(run_until([&] { return done == kJobs; }, 60s));
    EXPECT_GE(ok, 2 * kJobs / 3);
    EXPECT_TRUE(pool_->workers().empty());
}

}  // namespace
}  // namespace rr::test

namespace rr::test {
namespace {

TEST_F(PoolTest, DestroyWhileAReplacementIsBootingLeavesNoProcess) {
    auto o = options("slow_boot.php", 1);
    o.spawn.env = {{"BOOT_MS", "300"}};
    ASSERT_TRUE(create(o));
    const int pid = *pids().begin();
    ::kill(pid, SIGKILL);
    ASSERT_TRUE(run_until([&] { return pool_->stats().starting == 1; }));
    run([p = pool_]() -> asio::awaitable<int> {
        co_await p->destroy();
        co_return 0;
    });
    EXPECT_EQ(pool_->stats().starting, 0u);
    EXPECT_TRUE(pool_->workers().empty());
    // The fixture's TearDown checks that no child process is left.
}

}  // namespace
}  // namespace rr::test
