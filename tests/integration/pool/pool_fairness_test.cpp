// Fairness when every worker is busy: a job that runs long on one worker never holds up the
// jobs queued behind it while another worker is free. This is the correctness risk of handing
// a queued job to a busy worker ahead of time (prefetch, issue 16): a frame written into a busy
// worker's pipe cannot be taken back, so a queued job could wait out the whole slow job.
// The slow job here never ends ('hang'): any fast job placed behind it would never finish.

#include <algorithm>
#include <boost/asio/detached.hpp>
#include <optional>
#include <vector>

#include "pool_fixture.h"

namespace rr::test {
namespace {

using pool::Payload;
using pool::Response;

struct Job {
    std::optional<Result<Response>> result;
};

void spawn_job(asio::io_context& io, std::shared_ptr<pool::Pool> pool, std::shared_ptr<Job> job,
               std::string body) {
    asio::co_spawn(
        io,
        [job, pool, body = std::move(body)]() -> asio::awaitable<void> {
            const Payload payload{"{}", body};
            job->result.emplace(co_await pool->exec(payload));
        },
        asio::detached);
}

TEST_F(PoolTest, FastJobsNeverWaitBehindASlowOneWhileAnotherWorkerIsFree) {
    auto o = options("worker.php", 2);
    o.destroy_timeout = 500ms;  // the hung worker is killed at teardown
    ASSERT_TRUE(create(std::move(o)));
    auto slow = std::make_shared<Job>();
    spawn_job(io_, pool_, slow, "hang:");
    // The free worker is busy for a moment too, so the first wave does queue: an echo answered
    // at once is read in the same turn (Pool::exec_stream's direct read) and the next job would
    // find that worker idle again, never queued.
    auto blocker = std::make_shared<Job>();
    spawn_job(io_, pool_, blocker, "sleep:100");
    // Waves of fast jobs, the first in the same io_context turn as the slow one: the queue is
    // non-empty while both workers are busy, the moment a prefetch would pick a worker.
    constexpr int kWaves = 5;
    constexpr int kPerWave = 8;
    std::vector<std::shared_ptr<Job>> fast;
    for (int wave = 0; wave < kWaves; ++wave) {
        for (int i = 0; i < kPerWave; ++i) {
            auto j = std::make_shared<Job>();
            spawn_job(io_, pool_, j, "echo:" + std::to_string(wave * kPerWave + i));
            fast.push_back(j);
        }
        if (wave == 0) {
            ASSERT_TRUE(run_until([&] { return pool_->stats().queued > 0; }))
                << "workers " << pool_->stats().workers << ", ready " << pool_->stats().ready
                << ", busy " << pool_->stats().busy << ", fast jobs done "
                << std::count_if(fast.begin(), fast.end(), [](const auto& j) { return j->result; })
                << ", slow done " << (slow->result ? "yes" : "no");
        }
        ASSERT_TRUE(run_until([&] {
            return std::all_of(fast.begin(), fast.end(), [](const auto& j) { return j->result; });
        })) << "a fast job waited behind the hung one";
    }
    for (std::size_t i = 0; i < fast.size(); ++i) {
        ASSERT_TRUE(*fast[i]->result) << i;
        EXPECT_EQ(fast[i]->result->value().body(), std::to_string(i));
    }
    ASSERT_TRUE(blocker->result && *blocker->result);
    EXPECT_EQ(blocker->result->value().body(), "slept");
    EXPECT_FALSE(slow->result);  // still running: every fast job went to the other worker
}

}  // namespace
}  // namespace rr::test
