// E2E: signals of `rr serve` (docs/cli.md): SIGUSR2 stops everything gracefully and executes
// the binary again in the same process (same PID), so a replaced binary and a re-pointed config
// are picked up; SIGINT/SIGTERM stop (exit 0) as before.
#include <poll.h>
#include <sys/stat.h>

#include "e2e/ctl/ctl_fixture.h"

namespace rr::e2e {
namespace {

class Signals : public CtlE2E {
protected:
    /// How many descriptors the rr process has open.
    std::size_t open_fds() const {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e :
             fs::directory_iterator("/proc/" + std::to_string(rr_->pid()) + "/fd")) {
            ++n;
        }
        return n;
    }

    /// Sends SIGUSR2 and waits for the new image to be up again (the `restarts`-th one).
    void restart(int restarts = 1) {
        rr_->signal(SIGUSR2);
        ASSERT_TRUE(rr_->wait_for_count("restart signal received, grace timeout is: 30 seconds",
                                        restarts, kTimeout))
            << rr_->out() << rr_->err();
        ASSERT_TRUE(rr_->wait_for_count("RoadRunner server started", restarts + 1, kStartTimeout))
            << rr_->out() << rr_->err();
        ASSERT_TRUE(
            rr_->wait_for_count("http server listening on", restarts + 1, kStartTimeout, true))
            << rr_->err();
    }
};

TEST_F(Signals, Usr2RestartsInPlaceWithNewWorkers) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(2)));
    const auto before = worker_pids();
    ASSERT_NO_FATAL_FAILURE(restart());
    EXPECT_EQ(::kill(rr_->pid(), 0), 0);  // the same process (execve keeps the PID)
    const auto after = worker_pids();
    EXPECT_EQ(after.size(), 2u);
    for (auto pid : after) EXPECT_FALSE(before.count(pid)) << pid;
    EXPECT_TRUE(get("/after-restart").is_object());
    const auto fds = open_fds();
    // And again: the re-executed image handles SIGUSR2 too, and nothing piles up across
    // restarts (every descriptor but 0-2 is close-on-exec).
    ASSERT_NO_FATAL_FAILURE(restart(2));
    EXPECT_TRUE(get("/after-second-restart").is_object());
    // A just-closed client connection may still be open in rr for a moment (in either count):
    // a leak is a count that stays above the first one, so wait (bounded) for it to drop.
    const auto deadline = std::chrono::steady_clock::now() + kTimeout;
    std::size_t now_open = open_fds();
    while (now_open > fds && std::chrono::steady_clock::now() < deadline) {
        ::poll(nullptr, 0, 20);
        now_open = open_fds();
    }
    EXPECT_LE(now_open, fds);
    // The old image logged a clean stop; no stray process or error on the way.
    EXPECT_EQ(rr_->err().find("ERROR"), std::string::npos) << rr_->err();
}

TEST_F(Signals, Usr2PicksUpAReplacedConfig) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(1)));
    ASSERT_EQ(worker_pids().size(), 1u);
    // Deployments re-point a symlink: .rr.yaml becomes a link to a new file with 3 workers.
    std::ifstream in(dir_ / ".rr.yaml");
    std::stringstream text;
    text << in.rdbuf();
    std::string next = text.str();
    next.replace(next.find("num_workers: 1"), 14, "num_workers: 3");
    std::ofstream(dir_ / "release-2.yaml") << next;
    fs::remove(dir_ / ".rr.yaml");
    fs::create_symlink(dir_ / "release-2.yaml", dir_ / ".rr.yaml");
    ASSERT_NO_FATAL_FAILURE(restart());
    EXPECT_EQ(worker_pids().size(), 3u);
}

TEST_F(Signals, Usr2RunsTheBinaryNowAtItsPath) {
    // rr started from a hard link to the build's binary (same file system as the build dir);
    // the link is then replaced by a wrapper script, as an upgrade replaces the binary.
    std::string tmpl = (fs::path(RR_BINARY_DIR) / "rr-usr2-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    const fs::path bin_dir = tmpl;
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(p, ec);
        }
    } cleanup{bin_dir};
    fs::create_hard_link(RR_BINARY, bin_dir / "rr");
    binary_ = (bin_dir / "rr").string();
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(1)));

    const fs::path marker = bin_dir / "new-binary-ran";
    {
        std::ofstream script(bin_dir / "rr.new");
        script << "#!/bin/sh\necho $$ > '" << marker.string() << "'\nexec '" << RR_BINARY
               << "' \"$@\"\n";
    }
    fs::permissions(bin_dir / "rr.new", fs::perms::owner_all);
    fs::rename(bin_dir / "rr.new", bin_dir / "rr");
    ASSERT_NO_FATAL_FAILURE(restart());
    std::ifstream m(marker);
    pid_t ran_as = 0;
    m >> ran_as;
    EXPECT_EQ(ran_as, rr_->pid()) << "the new binary did not run in place of the old one";
    EXPECT_TRUE(get("/upgraded").is_object());
}

}  // namespace
}  // namespace rr::e2e
