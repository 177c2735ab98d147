// clang-format off
#include "pool/pool.h"  // first: transport/types.h works around Boost 1.74's awaitable.hpp
// clang-format on

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <optional>

namespace rr::pool {

namespace asio = boost::asio;

ResponseStream::ResponseStream(std::shared_ptr<Pool> pool, std::shared_ptr<Worker> worker,
                               Response first)
    : pool_(std::move(pool)),
      worker_(std::move(worker)),
      first_(std::move(first)),
      has_first_(true) {}

ResponseStream::ResponseStream(ResponseStream&& other) noexcept
    : pool_(std::move(other.pool_)),
      worker_(std::move(other.worker_)),
      first_(std::move(other.first_)),
      has_first_(std::exchange(other.has_first_, false)),
      worker_error_(std::move(other.worker_error_)) {}

ResponseStream& ResponseStream::operator=(ResponseStream&& other) noexcept {
    if (this != &other) {
        abandon();
        pool_ = std::move(other.pool_);
        worker_ = std::move(other.worker_);
        first_ = std::move(other.first_);
        has_first_ = std::exchange(other.has_first_, false);
        worker_error_ = std::move(other.worker_error_);
    }
    return *this;
}

ResponseStream::~ResponseStream() {
    abandon();
}

void ResponseStream::abandon() noexcept {
    has_first_ = false;
    if (worker_ && pool_) {
        // The consumer dropped the stream early: STOP + drain in the background.
        asio::co_spawn(
            pool_->ex_,
            [pool = pool_, w = std::move(worker_)]() mutable {
                return pool->drain_stream(std::move(w));
            },
            asio::detached);
    }
    worker_.reset();
}

Awaitable<Result<Response>> ResponseStream::next() {
    if (has_first_) {
        has_first_ = false;
        co_return std::move(first_);
    }
    if (!worker_) {
        co_return make_error_code(errc::kStreamStopped);
    }
    auto w = worker_;
    auto& pool = *pool_;
    std::optional<transport::Watchdog> ttl;  // its timer only when exec_ttl is set
    const auto exec_ttl = pool.options_.supervisor.exec_ttl;
    if (exec_ttl.count() > 0) {
        const auto now = Clock::now();
        w->set_job_started(now);
        ttl.emplace(pool.ex_);
        ttl->arm(now + exec_ttl, [raw = w.get()] { raw->kill(); });
    }
    auto frame = co_await w->relay().read_frame(pool.options_.max_payload);
    const bool ttl_fired = ttl && ttl->fired();
    ttl.reset();
    if (!frame) {
        worker_.reset();
        co_return pool.fail_worker(std::move(w), frame.error(), ttl_fired);
    }
    auto& f = frame.value();
    if (f.header.has_stream_bit(protocol::stream_bit::kPing)) {
        if (auto ec = co_await pool.send_pong(*w); ec) {
            worker_.reset();
            co_return pool.fail_worker(std::move(w), ec, false);
        }
    }
    if (f.header.has_flag(protocol::flag::kError)) {
        // An error in the middle of a stream: the response is cut; the worker is retired.
        worker_error_ = std::move(f.payload);
        worker_.reset();
        w->transition(worker::WorkerState::kInvalid);
        pool.release(std::move(w));
        co_return make_error_code(errc::kWorkerSoftError);
    }
    if (f.header.option_count != 1 || f.options[0] > f.payload.size()) {
        worker_.reset();
        co_return pool.fail_worker(std::move(w), make_error_code(errc::kFrameBadOptions), false);
    }
    Response r;
    r.context_size = f.options[0];
    r.flags = f.header.flags;
    r.byte10 = f.header.byte10;
    r.payload = std::move(f.payload);
    if (!r.more()) {
        worker_.reset();
        pool.release(std::move(w));
    }
    co_return r;
}

Awaitable<void> ResponseStream::stop() {
    has_first_ = false;
    if (!worker_ || !pool_) {
        co_return;
    }
    auto w = std::move(worker_);
    worker_.reset();
    co_await pool_->drain_stream(std::move(w));
}

}  // namespace rr::pool
