#pragma once
// Shared fixture for the pool integration tests: real php-cli workers from tests/fixtures/php,
// one io_context driven by the test thread (support/async_test.h), log capture, and a leak
// check after every test (no child process and no extra file descriptor may survive the pool).
// No sleeps: every wait is "run the io_context until a condition holds or a deadline passes".

#include <boost/asio/steady_timer.hpp>
#include <cstdlib>
#include <set>
#include <string>

#include "pool/pool.h"
#include "process/environment.h"
#include "support/async_test.h"

namespace rr::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

inline bool php_available() {
    return std::system("php -v >/dev/null 2>&1") == 0;
}

inline std::string fixture(const std::string& name) {
    return std::string(RR_SOURCE_DIR) + "/tests/fixtures/php/" + name;
}

class PoolTest : public AsyncTest {
protected:
    void SetUp() override {
        if (!php_available()) {
            GTEST_SKIP() << "php-cli not found; pool integration tests need it";
        }
        // Create the reactor's own descriptors before taking the baseline.
        asio::steady_timer warm(io_, 0ms);
        warm.wait();
        boost::system::error_code ignored;
        transport::Descriptor probe(io_.get_executor(), ::dup(0));
        probe.close(ignored);
        pool_sink_ = std::make_shared<CaptureSink>();
        server_sink_ = std::make_shared<CaptureSink>();
        pool_log_ = std::make_shared<spdlog::logger>("pool", pool_sink_);
        server_log_ = std::make_shared<spdlog::logger>("server", server_sink_);
        pool_log_->set_level(spdlog::level::debug);
        baseline_fds_ = count_fds();
        baseline_children_ = child_pids().size();
    }

    void TearDown() override {
        if (IsSkipped()) {
            return;
        }
        if (pool_) {
            run([p = pool_]() -> asio::awaitable<int> {
                co_await p->destroy();
                co_return 0;
            });
            pool_.reset();
        }
        const bool clean = run_until(
            [&] {
                return child_pids().size() <= baseline_children_ && count_fds() <= baseline_fds_;
            },
            15s);
        EXPECT_TRUE(clean) << "leak after test: children " << child_pids().size() << " (baseline "
                           << baseline_children_ << "), fds " << count_fds() << " (baseline "
                           << baseline_fds_ << ")";
    }

    pool::PoolOptions options(const std::string& script = "worker.php", std::size_t workers = 2) {
        pool::PoolOptions o;
        o.spawn.argv = {"php", fixture(script)};
        o.num_workers = workers;
        o.allocate_timeout = 10s;
        o.logger = pool_log_;
        o.server_logger = server_log_;
        return o;
    }

    Result<std::shared_ptr<pool::Pool>> create(pool::PoolOptions o) {
        auto r = run([this, o = std::move(o)]() mutable {
            return pool::Pool::create(io_.get_executor(), std::move(o));
        });
        if (r) {
            pool_ = r.value();
        }
        return r;
    }

    /// One job on pool_. Context and body are kept alive by the coroutine.
    Result<pool::Response> exec(std::string body, std::string context = "{}",
                                std::string* worker_error = nullptr,
                                boost::system::error_code* cause = nullptr) {
        return run([this, body = std::move(body), context = std::move(context), worker_error,
                    cause]() -> asio::awaitable<Result<pool::Response>> {
            pool::Payload p{context, body, protocol::flag::kCodecJson};
            co_return co_await pool_->exec(p, worker_error, cause);
        });
    }

    std::set<int> pids() {
        std::set<int> out;
        for (const auto& w : pool_->workers()) {
            out.insert(w.pid);
        }
        return out;
    }

    /// Waits until the pool holds `count` workers and none of them is in `before`.
    bool all_workers_replaced(const std::set<int>& before, std::size_t count) {
        return run_until([&] {
            auto now = pids();
            if (now.size() != count) {
                return false;
            }
            for (int p : now) {
                if (before.count(p)) {
                    return false;
                }
            }
            return true;
        });
    }

    std::shared_ptr<CaptureSink> pool_sink_;
    std::shared_ptr<CaptureSink> server_sink_;
    std::shared_ptr<spdlog::logger> pool_log_;
    std::shared_ptr<spdlog::logger> server_log_;
    std::shared_ptr<pool::Pool> pool_;
    std::size_t baseline_fds_ = 0;
    std::size_t baseline_children_ = 0;
};

}  // namespace rr::test
