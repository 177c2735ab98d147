#pragma once
// Shared fixture for the pool integration tests: real php-cli workers from tests/fixtures/php,
// one io_context driven by the test thread, log capture, and a leak check after every test
// (no child process and no extra file descriptor may survive the pool). No sleeps: every wait
// is "run the io_context until a condition holds or a deadline passes".

#include <dirent.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "pool/pool.h"
#include "process/environment.h"

namespace rr::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// Records every log message (payload only) for assertions.
class CaptureSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    std::vector<std::string> lines() {
        std::lock_guard lock(mutex_);
        return lines_;
    }
    bool contains(std::string_view needle) {
        std::lock_guard lock(mutex_);
        for (const auto& l : lines_) {
            if (l.find(needle) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        lines_.emplace_back(msg.payload.data(), msg.payload.size());
    }
    void flush_() override {}

private:
    std::vector<std::string> lines_;
};

inline std::size_t count_fds() {
    std::size_t n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (dirent* e = ::readdir(d)) {
            if (e->d_name[0] != '.') {
                ++n;
            }
        }
        ::closedir(d);
    }
    return n - 1;  // the DIR's own descriptor
}

/// PIDs whose parent is this process (zombies included).
inline std::vector<int> child_pids() {
    std::vector<int> out;
    const int self = ::getpid();
    if (DIR* d = ::opendir("/proc")) {
        while (dirent* e = ::readdir(d)) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9') {
                continue;
            }
            std::ifstream stat(std::string("/proc/") + e->d_name + "/stat");
            std::string line;
            if (!std::getline(stat, line)) {
                continue;
            }
            auto close = line.rfind(')');
            if (close == std::string::npos) {
                continue;
            }
            std::istringstream rest(line.substr(close + 2));
            char state = 0;
            int ppid = 0;
            rest >> state >> ppid;
            if (ppid == self) {
                out.push_back(std::atoi(e->d_name));
            }
        }
        ::closedir(d);
    }
    return out;
}

inline bool php_available() {
    return std::system("php -v >/dev/null 2>&1") == 0;
}

inline std::string fixture(const std::string& name) {
    return std::string(RR_SOURCE_DIR) + "/tests/fixtures/php/" + name;
}

class PoolTest : public ::testing::Test {
protected:
    /// Runs `f()` (returning awaitable<T>) on io_ until it completes; throws after `timeout`.
    template <class F>
    auto run(F f, std::chrono::steady_clock::duration timeout = 60s) {
        using T = typename decltype(f())::value_type;
        struct State {
            std::optional<T> out;
            std::exception_ptr error;
            bool done = false;
        };
        auto state = std::make_shared<State>();
        asio::co_spawn(
            io_,
            [state, f = std::move(f)]() mutable -> asio::awaitable<void> {
                state->out.emplace(co_await f());
            },
            [state](std::exception_ptr e) {
                state->error = e;
                state->done = true;
            });
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!state->done && std::chrono::steady_clock::now() < deadline) {
            if (io_.stopped()) {
                io_.restart();
            }
            io_.run_one_for(20ms);
        }
        if (state->error) {
            std::rethrow_exception(state->error);
        }
        if (!state->out) {
            throw std::runtime_error("coroutine did not finish in time");
        }
        return std::move(*state->out);
    }

    /// Drives io_ until `pred()` holds or `timeout` passes; returns pred().
    bool run_until(const std::function<bool()>& pred,
                   std::chrono::steady_clock::duration timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!pred()) {
            if (std::chrono::steady_clock::now() >= deadline) {
                return pred();
            }
            if (io_.stopped()) {
                io_.restart();
            }
            io_.run_one_for(10ms);
        }
        return true;
    }

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
                                std::string* worker_error = nullptr) {
        return run([this, body = std::move(body), context = std::move(context),
                    worker_error]() -> asio::awaitable<Result<pool::Response>> {
            pool::Payload p{context, body, protocol::flag::kCodecJson};
            co_return co_await pool_->exec(p, worker_error);
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

    asio::io_context io_;
    std::shared_ptr<CaptureSink> pool_sink_;
    std::shared_ptr<CaptureSink> server_sink_;
    std::shared_ptr<spdlog::logger> pool_log_;
    std::shared_ptr<spdlog::logger> server_log_;
    std::shared_ptr<pool::Pool> pool_;
    std::size_t baseline_fds_ = 0;
    std::size_t baseline_children_ = 0;
};

}  // namespace rr::test
