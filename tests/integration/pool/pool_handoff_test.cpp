// Hand-off order when every worker is busy: a worker freed by a job goes to the first queued
// job, and that job's frame is written to the worker's pipe BEFORE the freeing job's answer is
// delivered to its caller (who would otherwise send it to its client first while the worker sits
// idle). Observable: the queued job counts its exec and writes its frame in one synchronous
// step, so the worker's exec count at the moment the first answer is delivered tells the order.

#include <boost/asio/detached.hpp>

#include "pool_fixture.h"

namespace rr::test {
namespace {

using pool::Payload;
using pool::Response;

struct Job {
    std::optional<Result<Response>> result;
    std::uint64_t worker_execs_at_delivery = 0;  ///< the one worker's execs when we got it
};

// The job is shared with the coroutine: a failed assertion may leave the test while it runs.
void spawn_job(asio::io_context& io, std::shared_ptr<pool::Pool> pool, std::shared_ptr<Job> job,
               std::string body, bool streamed) {
    asio::co_spawn(
        io,
        [job, pool, body = std::move(body), streamed]() -> asio::awaitable<void> {
            const Payload payload{"{}", body};
            if (!streamed) {
                job->result.emplace(co_await pool->exec(payload));
            } else {
                auto s = co_await pool->exec_stream(payload);
                if (!s) {
                    job->result.emplace(s.error());
                    co_return;
                }
                Response all;
                while (!s.value().finished()) {
                    auto f = co_await s.value().next();
                    if (!f) {
                        job->result.emplace(f.error());
                        co_return;
                    }
                    all.payload.append(f.value().body());
                }
                job->result.emplace(std::move(all));
            }
            job->worker_execs_at_delivery = pool->workers().at(0).execs;
        },
        asio::detached);
}

class PoolHandoffTest : public PoolTest, public ::testing::WithParamInterface<bool> {};

TEST_P(PoolHandoffTest, QueuedJobReachesTheWorkerBeforeTheFirstAnswerIsDelivered) {
    const bool streamed = GetParam();
    ASSERT_TRUE(create(options("worker.php", 1)));
    auto first = std::make_shared<Job>();
    auto second = std::make_shared<Job>();
    // Both start in the same io_context turn (FIFO): the first takes the only worker and the
    // second queues, microseconds before PHP can have answered.
    // 50 ms before the first answer in both variants: the second job must find the worker busy
    // even when the pool reads the answer directly after writing the job.
    spawn_job(io_, pool_, first, streamed ? "stream:2:50" : "sleep:50", streamed);
    spawn_job(io_, pool_, second, "echo:queued", false);
    ASSERT_TRUE(run_until([&] { return pool_->stats().queued == 1 || first->result; }));
    ASSERT_FALSE(first->result) << "the first job finished before the second was queued";
    ASSERT_TRUE(run_until([&] { return first->result && second->result; }));
    ASSERT_TRUE(*first->result);
    ASSERT_TRUE(*second->result);
    EXPECT_EQ(second->result->value().body(), "queued");
    // 2: the queued job had taken the worker and written its frame when the first answer was
    // delivered (1 would mean it was still parked behind the first caller).
    EXPECT_EQ(first->worker_execs_at_delivery, 2u);
    EXPECT_EQ(pool_->workers().at(0).execs, 2u);
}

INSTANTIATE_TEST_SUITE_P(WholeAndStreamed, PoolHandoffTest, ::testing::Bool());

}  // namespace
}  // namespace rr::test
