// E2E: the real `rr` binary started as a child process (BEHAVIOUR.md §2.3–2.4).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "e2e/support/child_process.h"

namespace rr::e2e {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kTimeout{15000};
constexpr const char* kStarted = "RoadRunner server started";

class ServeE2E : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-serve-e2e-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write_config(const std::string& name, const std::string& text) const {
        const fs::path p = dir_ / name;
        std::ofstream(p) << text;
        return p.string();
    }

    static std::string read_file(const fs::path& p) {
        std::ifstream in(p);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    fs::path dir_;
};

constexpr const char* kDevConfig = R"(version: "3"
server:
  command: "php worker.php"
logs:
  mode: development
  level: debug
jobs:
  num_pollers: 1
)";

TEST_F(ServeE2E, StartsLogsInConsoleFormatAndExitsZeroOnSigterm) {
    const std::string cfg = write_config("rr.yaml", kDevConfig);
    ChildProcess rr({RR_BINARY, "serve", "-c", cfg}, "/");
    ASSERT_TRUE(rr.wait_for(kStarted, kTimeout)) << rr.out() << rr.err();
    EXPECT_NE(rr.out().find("version: 2024.3.5 (rr-cpp 0.1.0)"), std::string::npos) << rr.out();

    rr.signal(SIGTERM);
    ASSERT_EQ(rr.wait_exit(kTimeout), 0) << rr.out() << rr.err();
    EXPECT_NE(rr.out().find("stop signal received, grace timeout is: 30 seconds"),
              std::string::npos)
        << rr.out();
    // development mode: console lines on stderr, tab-separated, named logger.
    EXPECT_NE(rr.err().find("\tDEBUG\tserver\tworker command: php worker.php"), std::string::npos)
        << rr.err();
    // An unimplemented section is a warning, logged once, and does not stop the start.
    const std::string warning = "jobs: section not served by this build yet; ignored";
    const auto first = rr.err().find(warning);
    EXPECT_NE(first, std::string::npos) << rr.err();
    EXPECT_EQ(rr.err().find(warning, first + 1), std::string::npos);
    EXPECT_NE(rr.err().find("\tWARN\trr\t"), std::string::npos) << rr.err();
}

TEST_F(ServeE2E, SigintAndSigquitAlsoStopCleanly) {
    const std::string cfg = write_config("rr.yaml", kDevConfig);
    for (int signo : {SIGINT, SIGQUIT}) {
        SCOPED_TRACE(signo);
        ChildProcess rr({RR_BINARY, "serve", "-c", cfg}, "/");
        ASSERT_TRUE(rr.wait_for(kStarted, kTimeout)) << rr.err();
        rr.signal(signo);
        EXPECT_EQ(rr.wait_exit(kTimeout), 0) << rr.err();
    }
}

TEST_F(ServeE2E, ProductionModeWritesJsonLines) {
    const std::string log_path = (dir_ / "rr.log").string();
    const std::string cfg = write_config("rr.yaml",
                                         "version: \"3\"\n"
                                         "server:\n"
                                         "  command: php worker.php\n"
                                         "logs:\n"
                                         "  mode: production\n"
                                         "  level: debug\n"
                                         "  output: " +
                                             log_path + "\n");
    ChildProcess rr({RR_BINARY, "serve", "-c", cfg}, "/");
    ASSERT_TRUE(rr.wait_for(kStarted, kTimeout)) << rr.err();
    rr.signal(SIGTERM);
    ASSERT_EQ(rr.wait_exit(kTimeout), 0) << rr.err();

    std::istringstream lines(read_file(log_path));
    int count = 0;
    bool saw_server = false;
    for (std::string line; std::getline(lines, line); ++count) {
        const auto j = nlohmann::json::parse(line);  // every line is one JSON object
        EXPECT_TRUE(j["level"].is_string()) << line;
        EXPECT_TRUE(j["ts"].is_number_integer()) << line;
        EXPECT_GT(j["ts"].get<std::int64_t>(), 1'600'000'000'000'000'000LL) << line;  // nanos
        EXPECT_TRUE(j["logger"].is_string()) << line;
        EXPECT_TRUE(j["msg"].is_string()) << line;
        saw_server = saw_server || (j["logger"] == "server" && j["level"] == "debug");
    }
    EXPECT_GT(count, 0);
    EXPECT_TRUE(saw_server);
}

TEST_F(ServeE2E, BrokenConfigPrintsTheKeyPathAndExitsOne) {
    const std::string cfg = write_config("rr.yaml",
                                         "version: \"3\"\n"
                                         "server:\n"
                                         "  command: php worker.php\n"
                                         "http:\n"
                                         "  address: 127.0.0.1:0\n"
                                         "  pool:\n"
                                         "    num_workers: abc\n");
    ChildProcess rr({RR_BINARY, "serve", "-c", cfg}, "/");
    ASSERT_EQ(rr.wait_exit(kTimeout), 1);
    // The last line is the one error, naming the key (debug lines of plugins initialised
    // before http may come first).
    const std::string& err = rr.err();
    const auto last = err.rfind('\n', err.size() - 2);
    const std::string last_line = err.substr(last == std::string::npos ? 0 : last + 1);
    EXPECT_EQ(last_line,
              "error: http.pool.num_workers: expected a non-negative integer, got \"abc\"\n")
        << err;
    EXPECT_EQ(rr.out().find(kStarted), std::string::npos);
}

TEST_F(ServeE2E, OverrideFlagBreaksAGoodConfigWithItsKeyPath) {
    const std::string cfg = write_config("rr.yaml", kDevConfig);
    ChildProcess rr({RR_BINARY, "serve", "-c", cfg, "-o", "logs.level=loud"}, "/");
    ASSERT_EQ(rr.wait_exit(kTimeout), 1);
    EXPECT_NE(rr.err().find("logs.level"), std::string::npos) << rr.err();
}

TEST_F(ServeE2E, MissingConfigFileExitsOne) {
    ChildProcess rr({RR_BINARY, "serve", "-c", (dir_ / "nope.yaml").string()}, "/");
    ASSERT_EQ(rr.wait_exit(kTimeout), 1);
    EXPECT_NE(rr.err().find("error: "), std::string::npos) << rr.err();
}

TEST_F(ServeE2E, SecondSignalForcesExitOneWhileAStopHangs) {
    const std::string cfg = write_config("rr.yaml", kDevConfig);
    ChildProcess rr({RR_HANG_HARNESS, "serve", "-c", cfg}, "/");
    ASSERT_TRUE(rr.wait_for(kStarted, kTimeout)) << rr.err();
    rr.signal(SIGTERM);
    ASSERT_TRUE(rr.wait_for("stop signal received", kTimeout)) << rr.out();
    rr.signal(SIGTERM);
    ASSERT_EQ(rr.wait_exit(kTimeout), 1) << rr.out() << rr.err();
    EXPECT_NE(rr.out().find("exit forced"), std::string::npos) << rr.out();
}

TEST_F(ServeE2E, StopThatMissesTheGracePeriodExitsOne) {
    const std::string cfg =
        write_config("rr.yaml", std::string(kDevConfig) + "endure:\n  grace_period: 300ms\n");
    ChildProcess rr({RR_HANG_HARNESS, "serve", "-c", cfg}, "/");
    ASSERT_TRUE(rr.wait_for(kStarted, kTimeout)) << rr.err();
    rr.signal(SIGTERM);
    ASSERT_EQ(rr.wait_exit(kTimeout), 1) << rr.out() << rr.err();
    EXPECT_NE(rr.err().find("hang_on_stop\tstop did not finish within the grace period"),
              std::string::npos)
        << rr.err();
}

TEST_F(ServeE2E, SilentHidesTheStartedLine) {
    const std::string cfg = write_config("rr.yaml", kDevConfig);
    ChildProcess rr({RR_BINARY, "serve", "-s", "-c", cfg}, "/");
    ASSERT_TRUE(rr.wait_for("worker command", kTimeout, /*on_stderr=*/true)) << rr.err();
    rr.signal(SIGTERM);
    ASSERT_EQ(rr.wait_exit(kTimeout), 0);
    EXPECT_EQ(rr.out().find(kStarted), std::string::npos) << rr.out();
}

TEST_F(ServeE2E, PidFileInTheConfigDirectoryAndRrStop) {
    const std::string cfg = write_config(".rr.yaml", kDevConfig);
    // No -w: rr changes into the config file's directory, so .pid lands there.
    ChildProcess rr({RR_BINARY, "serve", "-p", "-c", cfg}, "/");
    ASSERT_TRUE(rr.wait_for(kStarted, kTimeout)) << rr.err();
    EXPECT_EQ(read_file(dir_ / ".pid"), std::to_string(rr.pid()));

    ChildProcess stop({RR_BINARY, "stop"}, dir_.string());
    EXPECT_EQ(stop.wait_exit(kTimeout), 0) << stop.err();
    ASSERT_EQ(rr.wait_exit(kTimeout), 0) << rr.err();
    EXPECT_FALSE(fs::exists(dir_ / ".pid"));
}

TEST_F(ServeE2E, StopWithoutPidFileExitsOne) {
    ChildProcess stop({RR_BINARY, "stop"}, dir_.string());
    EXPECT_EQ(stop.wait_exit(kTimeout), 1);
    EXPECT_NE(stop.err().find(".pid"), std::string::npos) << stop.err();
}

TEST_F(ServeE2E, ResetAndWorkersNeedAnRpcSectionAndARunningServer) {
    // No rpc section: upstream's "rpc service not specified", one line, exit 1.
    write_config(".rr.yaml", "version: '3'\n");
    for (const char* cmd : {"reset", "workers"}) {
        ChildProcess rr({RR_BINARY, cmd}, dir_.string());
        EXPECT_EQ(rr.wait_exit(kTimeout), 1);
        EXPECT_EQ(rr.err().rfind("error: rpc service not specified in the configuration", 0), 0u)
            << rr.err();
        EXPECT_EQ(std::count(rr.err().begin(), rr.err().end(), '\n'), 1) << rr.err();
        EXPECT_EQ(rr.out(), "");
    }
    // An rpc section but nobody listening there: one line naming the address, exit 1.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    ::close(fd);  // bound, never listened: connecting is refused
    const std::string listen = "tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    for (const char* cmd : {"reset", "workers"}) {
        ChildProcess rr({RR_BINARY, cmd, "-o", "rpc.listen=" + listen}, dir_.string());
        EXPECT_EQ(rr.wait_exit(kTimeout), 1);
        EXPECT_EQ(rr.err(), "error: cannot connect to RPC at " + listen +
                                ": connection refused; is the server running?\n");
        EXPECT_EQ(rr.out(), "");
    }
}

TEST_F(ServeE2E, VersionAndUnknownFlag) {
    ChildProcess version({RR_BINARY, "--version"}, "/");
    EXPECT_EQ(version.wait_exit(kTimeout), 0);
    // RoadRunner's shape: Octane takes the third word as the version (>= 2023.3.0 needed).
    EXPECT_EQ(version.out().rfind("rr version 2024.3.5 (rr-cpp 0.1.0, build time: ", 0), 0u)
        << version.out();
    EXPECT_NE(version.out().find("), OS: linux, arch: amd64\n"), std::string::npos)
        << version.out();

    ChildProcess bad({RR_BINARY, "serve", "--bogus"}, "/");
    EXPECT_EQ(bad.wait_exit(kTimeout), 1);
    EXPECT_NE(bad.err().find("bogus"), std::string::npos) << bad.err();
}

}  // namespace
}  // namespace rr::e2e
