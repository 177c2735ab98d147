#pragma once
// Shared by the pool tests (unit and integration): log capture, the leak probes (descriptors and
// child processes of this test process) and AsyncTest, a fixture that drives one io_context
// from the test thread. No sleeps: every wait is "run the io_context until a condition holds or
// a deadline passes".

#include <dirent.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

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

/// Drives `io_` from the test thread.
class AsyncTest : public ::testing::Test {
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

    asio::io_context io_;
};

}  // namespace rr::test
