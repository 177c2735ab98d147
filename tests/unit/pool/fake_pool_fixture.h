#pragma once
// A pool of fake workers (tests/support/fake_worker.h) driven from the test thread, with log
// capture and the leak check (no child process, no descriptor left) after every test.

#include <boost/asio/steady_timer.hpp>
#include <set>
#include <string>

#include "pool/pool.h"
#include "support/async_test.h"
#include "support/fake_worker.h"

namespace rr::test {

using pool::Payload;
using pool::Response;
using Kind = FakeEvent::Kind;

/// One job started in the background; the result lands here.
struct BackgroundJob {
    std::optional<Result<Response>> result;
    boost::system::error_code cause;
    std::string worker_error;
    bool done() const { return result.has_value(); }
};

class FakePoolTest : public AsyncTest {
protected:
    void SetUp() override {
        asio::steady_timer warm(io_, 0ms);  // the reactor's own descriptors before the baseline
        warm.wait();
        boost::system::error_code ignored;
        transport::Descriptor probe(io_.get_executor(), ::dup(0));
        probe.close(ignored);
        sink_ = std::make_shared<CaptureSink>();
        log_ = std::make_shared<spdlog::logger>("pool", sink_);
        log_->set_level(spdlog::level::debug);
        fakes_ = std::make_shared<FakeWorkers>(io_);
        baseline_fds_ = count_fds();
        baseline_children_ = child_pids().size();
    }

    void TearDown() override {
        if (pool_) {
            run([p = pool_]() -> asio::awaitable<int> {
                co_await p->destroy();
                co_return 0;
            });
            pool_.reset();
        }
        fakes_->release_jobs();
        fakes_->release_handshakes();
        run_until([&] { return child_pids().size() <= baseline_children_; }, 10s);
        fakes_->close_all();
        const bool clean = run_until(
            [&] {
                return child_pids().size() <= baseline_children_ && count_fds() <= baseline_fds_;
            },
            10s);
        EXPECT_TRUE(clean) << "leak after test: children " << child_pids().size() << " (baseline "
                           << baseline_children_ << "), fds " << count_fds() << " (baseline "
                           << baseline_fds_ << ")";
    }

    pool::PoolOptions options(std::size_t workers = 2) {
        pool::PoolOptions o;
        o.num_workers = workers;
        o.allocate_timeout = 5s;
        o.stop_grace = 2s;
        o.spawner = fakes_->spawner();
        o.logger = log_;
        return o;
    }

    void create(pool::PoolOptions o) {
        auto r = run([this, o = std::move(o)]() mutable {
            return pool::Pool::create(io_.get_executor(), std::move(o));
        });
        ASSERT_TRUE(r) << r.error().message();
        pool_ = r.value();
    }

    /// Starts a job in the background.
    std::shared_ptr<BackgroundJob> submit(std::string body) {
        auto job = std::make_shared<BackgroundJob>();
        asio::co_spawn(
            io_,
            [job, p = pool_, body = std::move(body)]() -> asio::awaitable<void> {
                const std::string ctx = "{}";
                auto r = co_await p->exec(Payload{ctx, body}, &job->worker_error, &job->cause);
                job->result.emplace(std::move(r));
            },
            asio::detached);
        return job;
    }

    /// Runs one job to completion.
    Result<Response> exec(std::string body) {
        auto job = submit(std::move(body));
        EXPECT_TRUE(run_until([&] { return job->done(); }));
        if (!job->done()) {
            return make_error_code(errc::kNoFreeWorkers);
        }
        return std::move(*job->result);
    }

    /// Starts reset() in the background.
    std::shared_ptr<std::optional<Result<void>>> start_reset() {
        auto out = std::make_shared<std::optional<Result<void>>>();
        asio::co_spawn(
            io_, [out, p = pool_]() -> asio::awaitable<void> { out->emplace(co_await p->reset()); },
            asio::detached);
        return out;
    }

    std::set<int> pids() {
        std::set<int> out;
        for (const auto& w : pool_->workers()) {
            out.insert(w.pid);
        }
        return out;
    }

    std::shared_ptr<CaptureSink> sink_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<FakeWorkers> fakes_;
    std::shared_ptr<pool::Pool> pool_;
    std::size_t baseline_fds_ = 0;
    std::size_t baseline_children_ = 0;
};

}  // namespace rr::test
