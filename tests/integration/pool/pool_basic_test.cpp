// Pool behaviour with real php-cli workers: exec, environment, soft errors, stop requests,
// crashes, stdout garbage, allocate timeout, queue limit, max_jobs, debug mode, spawn failures.

#include <fcntl.h>
#include <sys/wait.h>

#include <boost/asio/detached.hpp>
#include <cstdlib>
#include <filesystem>

#include "pool_fixture.h"

namespace rr::test {
namespace {

using pool::Payload;
using pool::Response;

TEST(LeakCheck, SeesAnExtraDescriptorAndAnUnreapedChild) {
    // The fixture's after-test check relies on these two probes; show that they can fail.
    const auto fds = count_fds();
    const auto children = child_pids().size();
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    EXPECT_EQ(count_fds(), fds + 1);
    ::close(fd);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::_exit(0);
    }
    // An exited but unreaped child (a zombie) still counts.
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    int st = 0;
    EXPECT_EQ(child_pids().size(), children + 1);
    ::waitpid(pid, &st, 0);
    EXPECT_EQ(child_pids().size(), children);
}

TEST_F(PoolTest, EchoReturnsContextAndBodyFromAWorker) {
    ASSERT_TRUE(create(options()));
    auto r = exec("echo:hello", R"({"k":1})");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r.value().body(), "hello");
    EXPECT_EQ(r.value().context(), R"({"k":1})");
    auto ws = pool_->workers();
    ASSERT_EQ(ws.size(), 2u);
    std::uint64_t execs = 0;
    for (const auto& w : ws) {
        EXPECT_EQ(w.state, worker::WorkerState::kReady);
        EXPECT_GT(w.rss_bytes, 0u);
        execs += w.execs;
    }
    EXPECT_EQ(execs, 1u);
}

TEST_F(PoolTest, OurHttpLibraryAdvertisesItsCodecsAndBareWorkersNone) {
    ASSERT_TRUE(create(options("http_hello.php", 1)));
    EXPECT_EQ(pool_->advertised_codecs(), (std::vector<std::string>{"json", "proto"}));
}

TEST_F(PoolTest, BareWorkersAdvertiseNoCodec) {
    ASSERT_TRUE(create(options("echo.php", 1)));
    EXPECT_TRUE(pool_->advertised_codecs().empty());
}

TEST_F(PoolTest, InformerShowsABusyWorkerAsWorking) {
    ASSERT_TRUE(create(options("worker.php", 2)));
    std::optional<Result<Response>> slow;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            std::string body = "sleep:300";
            slow.emplace(co_await pool_->exec(Payload{"{}", body}));
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return pool_->stats().busy == 1; }));
    int working = 0, ready = 0;
    for (const auto& w : pool_->workers()) {
        working += w.state == worker::WorkerState::kWorking;
        ready += w.state == worker::WorkerState::kReady;
        EXPECT_NE(w.command.find("worker.php"), std::string::npos);
    }
    EXPECT_EQ(working, 1);
    EXPECT_EQ(ready, 1);
    ASSERT_TRUE(run_until([&] { return slow.has_value(); }));
    EXPECT_TRUE(*slow);
}

TEST_F(PoolTest, LargeBodyTravelsInOneFrameBothWays) {
    ASSERT_TRUE(create(options("echo.php", 1)));
    std::string body(8 * 1024 * 1024, 'b');
    body[0] = 'x';
    auto r = exec(body, "{}");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r.value().body().size(), body.size());
    EXPECT_TRUE(r.value().body() == body);
}

TEST_F(PoolTest, WorkersGetRelayModeVersionRpcAndUpperCasedExpandedUserEnv) {
    ::setenv("RR_POOL_TEST_BASE", "base", 1);
    auto o = options("worker.php", 1);
    process::WorkerEnvInput in;
    in.user_env = {{"app_name", "${RR_POOL_TEST_BASE}-x"}};
    in.relay = "ignored: the pool sets RR_RELAY itself";
    in.rpc = "tcp://127.0.0.1:6001";
    in.mode = "http";
    in.version = "2024.3.5";
    o.spawn.env = process::worker_env(in);
    ASSERT_TRUE(create(o));
    auto get = [&](const char* name) {
        auto r = exec(std::string("env:") + name);
        return r ? std::string(r.value().body()) : std::string("<error>");
    };
    EXPECT_EQ(get("APP_NAME"), "base-x");
    EXPECT_EQ(get("RR_MODE"), "http");
    EXPECT_EQ(get("RR_RELAY"), "pipes");
    EXPECT_EQ(get("RR_RPC"), "tcp://127.0.0.1:6001");
    EXPECT_EQ(get("RR_VERSION"), "2024.3.5");
}

TEST_F(PoolTest, WorkersRunInTheirOwnProcessGroup) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    auto pid = *pids().begin();
    EXPECT_EQ(::getpgid(pid), pid);
}

TEST_F(PoolTest, SoftErrorFailsTheJobButKeepsTheWorker) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    const auto before = pids();
    std::string text;
    auto r = exec("error:boom happened", "{}", &text);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kWorkerSoftError));
    EXPECT_EQ(text, "boom happened");
    EXPECT_EQ(pids(), before);
    auto again = exec("echo:still here");
    ASSERT_TRUE(again);
    EXPECT_EQ(again.value().body(), "still here");
    EXPECT_EQ(pids(), before);
}

TEST_F(PoolTest, StopRequestRetriesTheJobOnAnotherWorkerAndReplacesTheAsker) {
    ASSERT_TRUE(create(options("worker.php", 2)));
    const auto before = pids();
    auto marker = std::filesystem::temp_directory_path() /
                  ("rr_pool_stop_once_" + std::to_string(::getpid()));
    std::filesystem::remove(marker);
    auto r = exec("stop_once:" + marker.string());
    std::filesystem::remove(marker);
    ASSERT_TRUE(r) << r.error().message();
    const int answered_by = std::atoi(std::string(r.value().body()).c_str());
    EXPECT_TRUE(before.count(answered_by));
    // The worker that asked is stopped and replaced; the one that answered stays.
    EXPECT_TRUE(run_until([&] {
        auto now = pids();
        return now.size() == 2 && now.count(answered_by) && now != before;
    }));
}

TEST_F(PoolTest, CrashMidJobFailsTheJobLogsStderrAndReplacesTheWorker) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    const auto before = pids();
    boost::system::error_code cause;
    auto r = exec("crash:PHP Fatal error: out of luck", "{}", nullptr, &cause);
    ASSERT_FALSE(r);
    // Nothing of the answer was delivered: the caller may run the job again elsewhere.
    EXPECT_EQ(r.error(), make_error_code(errc::kWorkerLost));
    EXPECT_EQ(cause, make_error_code(errc::kWorkerExited));
    EXPECT_TRUE(run_until([&] { return server_sink_->contains("PHP Fatal error: out of luck"); }));
    EXPECT_TRUE(run_until([&] {
        auto now = pids();
        return now.size() == 1 && now != before;
    }));
    auto again = exec("echo:new worker");
    ASSERT_TRUE(again);
    EXPECT_EQ(again.value().body(), "new worker");
}

TEST_F(PoolTest, StdoutGarbageIsACrcErrorThatKillsTheWorkerAndShowsTheText) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    const auto before = pids();
    boost::system::error_code cause;
    auto r = exec("garbage", "{}", nullptr, &cause);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kWorkerLost));
    EXPECT_EQ(cause, make_error_code(errc::kFrameCrcMismatch));
    EXPECT_TRUE(pool_sink_->contains("Hello from a stray echo!"));
    EXPECT_TRUE(run_until([&] {
        auto now = pids();
        return now.size() == 1 && now != before;
    }));
    EXPECT_TRUE(exec("echo:ok"));
}

TEST_F(PoolTest, BadCrcFrameKillsTheWorker) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    boost::system::error_code cause;
    std::string text;
    auto r = exec("badcrc", "{}", &text, &cause);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kWorkerLost));
    EXPECT_EQ(cause, make_error_code(errc::kFrameCrcMismatch));
    EXPECT_EQ(text, cause.message());
    EXPECT_TRUE(exec("echo:ok"));
}

TEST_F(PoolTest, StderrLinesBecomeServerLogLinesAndPartialLinesAreNotLost) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    ASSERT_TRUE(exec("stderr:first line\nsecond "));
    ASSERT_TRUE(exec("stderr:half\n"));
    EXPECT_TRUE(run_until([&] {
        return server_sink_->contains("first line") && server_sink_->contains("second half");
    }));
    for (const auto& l : server_sink_->lines()) {
        EXPECT_EQ(l.find('\n'), std::string::npos) << l;
    }
}

TEST_F(PoolTest, JobWaitsForAFreeWorkerThenFailsWithNoFreeWorkers) {
    auto o = options("worker.php", 1);
    o.allocate_timeout = 300ms;
    ASSERT_TRUE(create(o));
    std::optional<Result<Response>> slow;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            std::string body = "sleep:1500";
            slow.emplace(co_await pool_->exec(Payload{"{}", body}));
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return pool_->stats().busy == 1; }));
    const auto start = std::chrono::steady_clock::now();
    auto r = exec("echo:x");
    const auto waited = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kNoFreeWorkers));
    EXPECT_GE(waited, 280ms);
    EXPECT_EQ(pool_->stats().no_free_workers, 1u);
    ASSERT_TRUE(run_until([&] { return slow.has_value(); }));
    EXPECT_TRUE(*slow);
}

TEST_F(PoolTest, QueuedJobGetsTheNextFreeWorkerAndQueueLimitRejectsAtOnce) {
    auto o = options("worker.php", 1);
    o.max_queue_size = 1;
    ASSERT_TRUE(create(o));
    std::optional<Result<Response>> first, second;
    auto spawn_job = [&](std::optional<Result<Response>>& out, std::string body) {
        asio::co_spawn(
            io_,
            [&out, body, this]() -> asio::awaitable<void> {
                out.emplace(co_await pool_->exec(Payload{"{}", body}));
            },
            asio::detached);
    };
    spawn_job(first, "sleep:1500");
    ASSERT_TRUE(run_until([&] { return pool_->stats().busy == 1; }));
    spawn_job(second, "echo:queued");
    ASSERT_TRUE(run_until([&] { return pool_->stats().queued == 1; }));
    const auto start = std::chrono::steady_clock::now();
    auto third = exec("echo:rejected");
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error(), make_error_code(errc::kQueueFull));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 750ms);  // not after the 1.5 s job
    ASSERT_TRUE(run_until([&] { return first && second; }));
    ASSERT_TRUE(*first);
    ASSERT_TRUE(*second);
    EXPECT_EQ(second->value().body(), "queued");
}

TEST_F(PoolTest, MaxJobsRetiresTheWorkerAfterItsLastJob) {
    auto o = options("worker.php", 1);
    o.max_jobs = 2;
    ASSERT_TRUE(create(o));
    auto a = exec("pid");
    auto b = exec("pid");
    auto c = exec("pid");
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(a.value().body(), b.value().body());
    EXPECT_NE(b.value().body(), c.value().body());
}

TEST_F(PoolTest, DebugModeUsesAFreshWorkerPerJob) {
    auto o = options("worker.php", 4);
    o.debug = true;
    ASSERT_TRUE(create(o));
    EXPECT_TRUE(pool_->workers().empty());
    auto a = exec("pid");
    auto b = exec("pid");
    ASSERT_TRUE(a && b);
    EXPECT_NE(a.value().body(), b.value().body());
    EXPECT_TRUE(run_until([&] { return pool_->workers().empty(); }));
}

TEST_F(PoolTest, EmptyPayloadIsRefused) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    auto r = exec("", "");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kEmptyPayload));
}

TEST_F(PoolTest, MissingCommandFailsPoolCreation) {
    auto o = options();
    o.spawn.argv = {"/nonexistent/php-binary"};
    auto r = create(o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kSpawnFailed));
    EXPECT_TRUE(pool_sink_->contains("/nonexistent/php-binary"));
}

TEST_F(PoolTest, WorkerDyingAtBootFailsCreationAndItsStderrIsLogged) {
    auto r = create(options("exit_at_boot.php", 1));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kWorkerExited));
    EXPECT_TRUE(run_until([&] { return server_sink_->contains("boot failed: missing config"); }));
}

TEST_F(PoolTest, StdoutOutputBeforeTheHandshakeFailsCreation) {
    auto o = options("stdout_garbage.php", 1);
    auto r = create(o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kFrameCrcMismatch));
    EXPECT_TRUE(pool_sink_->contains("Notice: this line breaks the pipes relay"));
}

}  // namespace
}  // namespace rr::test
