// Recycling with real php-cli workers while jobs keep coming: rolling resets and max_jobs
// recycling lose no job, and a worker killed before it answered is reported as "lost" (nothing
// delivered), so the caller may run the job again.

#include <signal.h>

#include <boost/asio/detached.hpp>
#include <map>

#include "pool_fixture.h"

namespace rr::test {
namespace {

using pool::Payload;
using pool::Response;

/// `clients` coroutines submitting jobs one after another until `stop` is set (or `limit` jobs
/// were submitted in all). Every answer's body is checked; failures are counted.
struct Load {
    bool stop = false;
    int running = 0;
    int submitted = 0;
    int ok = 0;
    int failed = 0;
    int limit = 1 << 30;
    std::map<int, int> jobs_per_pid;  ///< with body "pid"
    std::vector<std::string> errors;

    void start(asio::io_context& io, std::shared_ptr<pool::Pool> p, int clients, bool by_pid) {
        for (int c = 0; c < clients; ++c) {
            ++running;
            asio::co_spawn(
                io,
                [this, p, c, by_pid]() -> asio::awaitable<void> {
                    while (!stop && submitted < limit) {
                        const int n = submitted++;
                        const std::string ctx = "{}";
                        const std::string body =
                            by_pid ? "pid" : "echo:" + std::to_string(c) + "/" + std::to_string(n);
                        auto r = co_await p->exec(Payload{ctx, body});
                        if (!r) {
                            ++failed;
                            errors.push_back(r.error().message());
                        } else if (by_pid) {
                            ++ok;
                            ++jobs_per_pid[std::atoi(std::string(r.value().body()).c_str())];
                        } else if (r.value().body() == body.substr(5)) {
                            ++ok;
                        } else {
                            ++failed;
                            errors.push_back("wrong answer " + std::string(r.value().body()));
                        }
                    }
                    --running;
                },
                asio::detached);
        }
    }
};

TEST_F(PoolTest, FiveResetsUnderLoadFailNoJobAndReplaceEveryWorker) {
    ASSERT_TRUE(create(options("worker.php", 2)));
    Load load;
    load.start(io_, pool_, 4, false);
    ASSERT_TRUE(run_until([&] { return load.ok >= 20; }));
    for (int round = 0; round < 5; ++round) {
        const auto before = pids();
        const int ok_before = load.ok;
        auto reset = run([p = pool_] { return p->reset(); });
        ASSERT_TRUE(reset) << "round " << round << ": " << reset.error().message();
        const auto after = pids();
        EXPECT_EQ(after.size(), 2u) << "round " << round;
        for (int pid : after) {
            EXPECT_FALSE(before.count(pid))
                << "round " << round << ": worker " << pid << " survived";
        }
        // Jobs kept being answered while the workers were being replaced.
        EXPECT_GT(load.ok, ok_before) << "round " << round;
    }
    load.stop = true;
    ASSERT_TRUE(run_until([&] { return load.running == 0; }));
    EXPECT_EQ(load.failed, 0) << (load.errors.empty() ? "" : load.errors.front());
    EXPECT_GT(load.ok, 20);
    EXPECT_TRUE(pool_sink_->contains("reset: 2 worker(s) replaced in"));
}

TEST_F(PoolTest, MaxJobsRecyclingUnderLoadFailsNoJobAndStartsSuccessorsFirst) {
    auto o = options("worker.php", 2);
    o.max_jobs = 25;
    ASSERT_TRUE(create(o));
    Load load;
    load.limit = 500;
    load.start(io_, pool_, 4, true);
    ASSERT_TRUE(run_until([&] { return load.running == 0; }, 120s));
    EXPECT_EQ(load.failed, 0) << (load.errors.empty() ? "" : load.errors.front());
    EXPECT_EQ(load.ok, 500);
    // max_jobs with upstream's jitter: at most 25 + 14 %.
    for (const auto& [pid, jobs] : load.jobs_per_pid) {
        EXPECT_LE(jobs, 28) << "worker " << pid;
    }
    EXPECT_GE(load.jobs_per_pid.size(), 500u / 28);
    EXPECT_GT(pool_->stats().prespawns, 0u);
    EXPECT_TRUE(run_until([&] {
        const auto s = pool_->stats();
        return s.workers == 2 && s.starting == 0 && s.superseded == 0;
    }));
}

TEST_F(PoolTest, AWorkerKilledBeforeAnsweringIsLostAndTheJobCanRunAgain) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    const int victim = *pids().begin();
    std::optional<Result<Response>> r;
    boost::system::error_code cause;
    std::string text;
    const std::string ctx = "{}";
    std::string body = "hang";
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            r.emplace(co_await pool_->exec(Payload{ctx, body}, &text, &cause));
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return pool_->stats().busy == 1; }));
    ::kill(victim, SIGKILL);
    ASSERT_TRUE(run_until([&] { return r.has_value(); }));
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error(), make_error_code(errc::kWorkerLost));
    EXPECT_EQ(cause, make_error_code(errc::kWorkerExited));
    EXPECT_EQ(text, cause.message());
    // The worker was replaced; the same job (now one that answers) runs on the new worker.
    auto again = exec("pid");
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_NE(std::atoi(std::string(again.value().body()).c_str()), victim);
}

}  // namespace
}  // namespace rr::test
