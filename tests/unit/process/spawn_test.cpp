// Process spawning: exec errors, pipes, process groups, environment, no inherited fds, reaping.

#include "process/spawn.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <sstream>
#include <string>

#include "process/child.h"
#include "process/line_pump.h"
#include "process/on_init.h"

namespace rr::process {
namespace {

using namespace std::chrono_literals;

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    int fl = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

int wait_status(int pid) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    return st;
}

TEST(Spawn, ExecFailureIsReportedSynchronouslyWithTheReason) {
    SpawnOptions o;
    o.argv = {"/nonexistent/binary"};
    std::string detail;
    auto r = spawn(o, &detail);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kSpawnFailed));
    EXPECT_NE(detail.find("/nonexistent/binary"), std::string::npos) << detail;
}

TEST(Spawn, UnknownProgramInPathFails) {
    SpawnOptions o;
    o.argv = {"rr-definitely-not-a-program"};
    std::string detail;
    EXPECT_FALSE(spawn(o, &detail));
    EXPECT_NE(detail.find("not found"), std::string::npos) << detail;
}

TEST(Spawn, ChildGetsEnvironmentPipesAndItsOwnProcessGroup) {
    SpawnOptions o;
    o.argv = {"sh", "-c",
              "echo \"$RR_SPAWN_TEST\"; echo pgid=$(ps -o pgid= -p $$ | tr -d ' ')"
              " pid=$$; echo err >&2"};
    o.env = {{"RR_SPAWN_TEST", "value 1"}};
    o.stdin_mode = Stdio::kNull;
    auto r = spawn(o);
    ASSERT_TRUE(r);
    auto& c = r.value();
    EXPECT_FALSE(c.stdin_fd.valid());
    const std::string out = read_all(c.stdout_fd.get());
    const std::string err = read_all(c.stderr_fd.get());
    EXPECT_EQ(wait_status(c.pid), 0);
    EXPECT_NE(out.find("value 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("pgid=" + std::to_string(c.pid) + " pid=" + std::to_string(c.pid)),
              std::string::npos)
        << out;
    EXPECT_EQ(err, "err\n");
}

TEST(Spawn, OurDescriptorsDoNotLeakIntoTheChild) {
    // A descriptor opened without O_CLOEXEC must still not reach the worker.
    int leaky = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(leaky, 3);
    SpawnOptions o;
    o.argv = {"sh", "-c", "ls /proc/self/fd"};
    o.stdin_mode = Stdio::kNull;
    o.stderr_mode = Stdio::kNull;
    auto r = spawn(o);
    ASSERT_TRUE(r);
    const std::string out = read_all(r.value().stdout_fd.get());
    wait_status(r.value().pid);
    ::close(leaky);
    std::istringstream lines(out);
    std::string fd;
    int count = 0;
    while (lines >> fd) {
        ++count;
    }
    // 0, 1, 2 and the descriptor ls itself opens for /proc/self/fd.
    EXPECT_LE(count, 4) << out;
}

TEST(Spawn, UserSwitchRunsTheChildAsThatUserWhenWeAreRoot) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root";
    }
    SpawnOptions o;
    o.argv = {"sh", "-c", "id -u; id -g"};
    o.user = "nobody";
    o.stdin_mode = Stdio::kNull;
    o.stderr_mode = Stdio::kNull;
    auto r = spawn(o);
    ASSERT_TRUE(r);
    const std::string out = read_all(r.value().stdout_fd.get());
    wait_status(r.value().pid);
    EXPECT_EQ(out, "65534\n65534\n");
    o.user = "no-such-user-rr";
    std::string detail;
    EXPECT_FALSE(spawn(o, &detail));
    EXPECT_NE(detail.find("unknown user"), std::string::npos);
}

TEST(Spawn, RssIsReadFromProc) {
    auto r = rss_bytes(::getpid());
    ASSERT_TRUE(r);
    EXPECT_GT(r.value(), 1u << 20);
    EXPECT_FALSE(rss_bytes(0x7ffffff0));
}

TEST(Spawn, DescribeStatusNamesExitCodesAndSignals) {
    EXPECT_EQ(describe_status(3 << 8), "exit code 3");
    EXPECT_NE(describe_status(SIGKILL).find("signal 9"), std::string::npos);
}

TEST(Child, ExitIsObservedAsynchronouslyAndReapedOnce) {
    boost::asio::io_context io;
    SpawnOptions o;
    o.argv = {"sh", "-c", "exit 7"};
    o.stdin_mode = o.stdout_mode = o.stderr_mode = Stdio::kNull;
    auto r = spawn(o);
    ASSERT_TRUE(r);
    auto child = Child::watch(io.get_executor(), r.value().pid, std::move(r.value().pidfd), true);
    int seen = -1;
    child->on_exit([&](int st) { seen = st; });
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!child->exited() && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(10ms);
    }
    ASSERT_TRUE(child->exited());
    EXPECT_TRUE(WIFEXITED(seen));
    EXPECT_EQ(WEXITSTATUS(seen), 7);
    EXPECT_EQ(::waitpid(r.value().pid, nullptr, WNOHANG), -1);  // already reaped
}

TEST(Child, DestroyingARunningChildKillsAndReapsIt) {
    boost::asio::io_context io;
    SpawnOptions o;
    o.argv = {"sleep", "30"};
    o.stdin_mode = o.stdout_mode = o.stderr_mode = Stdio::kNull;
    auto r = spawn(o);
    ASSERT_TRUE(r);
    const int pid = r.value().pid;
    {
        auto child = Child::watch(io.get_executor(), pid, std::move(r.value().pidfd), true);
        io.poll();
    }
    EXPECT_EQ(::kill(pid, 0), -1);  // gone, no zombie left behind
    io.poll();
}

TEST(OnInit, SuccessLogsOutputAndFailureOrTimeoutIsAnError) {
    boost::asio::io_context io;
    std::ostringstream logged;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(logged);
    auto logger = std::make_shared<spdlog::logger>("server", sink);
    auto run = [&](std::vector<std::string> argv, std::chrono::milliseconds timeout) {
        SpawnOptions o;
        o.argv = std::move(argv);
        std::optional<Result<void>> out;
        boost::asio::co_spawn(
            io,
            [&]() -> boost::asio::awaitable<void> {
                out.emplace(co_await run_on_init(o, timeout, logger));
            },
            [](std::exception_ptr) {});
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (!out && std::chrono::steady_clock::now() < deadline) {
            if (io.stopped()) {
                io.restart();
            }
            io.run_one_for(10ms);
        }
        return out.value_or(make_error_code(errc::kHandshakeTimeout));
    };
    EXPECT_TRUE(run({"sh", "-c", "echo migrated; echo warn >&2"}, 5000ms));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while ((logged.str().find("migrated") == std::string::npos ||
            logged.str().find("warn") == std::string::npos) &&
           std::chrono::steady_clock::now() < deadline) {
        if (io.stopped()) {
            io.restart();
        }
        io.run_one_for(10ms);
    }
    EXPECT_NE(logged.str().find("migrated"), std::string::npos) << logged.str();
    EXPECT_NE(logged.str().find("warn"), std::string::npos);
    EXPECT_FALSE(run({"sh", "-c", "exit 4"}, 5000ms));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(run({"sleep", "30"}, 200ms));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_NE(logged.str().find("exec_timeout"), std::string::npos);
}

}  // namespace
}  // namespace rr::process
