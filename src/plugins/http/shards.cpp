#include "plugins/http/shards.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rr::plugins {

namespace asio = boost::asio;

const PoolShard* ShardSet::pick_other(std::size_t self) const noexcept {
    const PoolShard* best = nullptr;
    std::size_t best_idle = 0;
    const std::size_t n = shards_.size();
    for (std::size_t k = 1; k < n; ++k) {
        const PoolShard& s = shards_[(self + k) % n];
        const std::size_t idle = s.pool->idle_hint();
        if (idle > best_idle) {
            best = &s;
            best_idle = idle;
        }
    }
    return best;
}

RemoteStream::RemoteStream(transport::Executor ex, std::shared_ptr<RemoteJob> job)
    : ex_(ex), job_(std::move(job)) {
    finished_ = job_->finished;
}

RemoteStream::~RemoteStream() {
    if (!job_) return;
    // The ResponseStream must be destroyed on its pool's loop (an unfinished one drains there).
    asio::post(ex_, [job = std::move(job_)]() mutable { job.reset(); });
}

transport::Awaitable<Result<pool::Response>> RemoteStream::next() {
    auto hop = [job = job_]() -> transport::Awaitable<void> {
        pool::ResponseStream& s = job->stream->value();
        job->frame.emplace(co_await s.next());
        job->finished = s.finished();
        job->worker_error = s.worker_error();
    };
    co_await asio::co_spawn(ex_, std::move(hop), asio::use_awaitable);
    finished_ = job_->finished;
    worker_error_ = job_->worker_error;
    Result<pool::Response> out = std::move(*job_->frame);
    job_->frame.reset();
    co_return out;
}

transport::Awaitable<void> RemoteStream::stop() {
    auto hop1 = [job = job_]() -> transport::Awaitable<void> {
        pool::ResponseStream& s = job->stream->value();
        co_await s.stop();
        job->finished = s.finished();
    };
    co_await asio::co_spawn(ex_, std::move(hop1), asio::use_awaitable);
    finished_ = job_->finished;
}

}  // namespace rr::plugins
