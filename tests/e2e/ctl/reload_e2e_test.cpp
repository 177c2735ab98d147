// E2E: the reload plugin (dev mode file watcher) in the real `rr serve`: touching a PHP file in
// a watched directory replaces every worker once the interval has passed quietly; a file that
// does not match the patterns does nothing.
#include "e2e/ctl/ctl_fixture.h"

namespace rr::e2e {
namespace {

class Reload : public CtlE2E {
protected:
    void start_watching() {
        fs::create_directories(dir_ / "app" / "src");
        std::ofstream(dir_ / "app" / "src" / "Controller.php") << "<?php\n";
        ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(2).top_extra(
            "reload:\n  interval: 1s\n  patterns: [\".php\"]\n  services:\n    http:\n"
            "      dirs: [\"app\"]\n      recursive: true\n      ignore: [\"app/cache\"]\n")));
        ASSERT_TRUE(rr_->wait_for("watching ", kTimeout, true)) << rr_->err();
    }
};

TEST_F(Reload, TouchedFileReplacesEveryWorker) {
    ASSERT_NO_FATAL_FAILURE(start_watching());
    const auto before = worker_pids();
    ASSERT_EQ(before.size(), 2u);

    // touch(1) on a file in a subdirectory created after the start.
    fs::create_directories(dir_ / "app" / "src" / "Http");
    std::ofstream(dir_ / "app" / "src" / "Http" / "Kernel.php") << "<?php // v2\n";
    ASSERT_TRUE(rr_->wait_for("plugin http reset in ", kTimeout, true)) << rr_->err();
    EXPECT_NE(rr_->err().find("Kernel.php changed"), std::string::npos) << rr_->err();
    const auto after = worker_pids();
    EXPECT_EQ(after.size(), 2u);
    for (auto pid : after) EXPECT_FALSE(before.count(pid)) << "worker " << pid << " survived";
    EXPECT_TRUE(get("/after-reload").is_object());
}

TEST_F(Reload, OneResetForABurstOfChanges) {
    ASSERT_NO_FATAL_FAILURE(start_watching());
    // Twenty writes in a row: debounced into one reset (the interval restarts on each).
    for (int i = 0; i < 20; ++i) {
        std::ofstream(dir_ / "app" / "src" / ("F" + std::to_string(i) + ".php")) << "<?php\n";
    }
    ASSERT_TRUE(rr_->wait_for("plugin http reset in ", kTimeout, true)) << rr_->err();
    // A marker change after the reset: its own reset is the second one, so exactly two in all
    // means the burst gave one.
    std::ofstream(dir_ / "app" / "src" / "Marker.php") << "<?php\n";
    ASSERT_TRUE(rr_->wait_for("Marker.php changed", kTimeout, true)) << rr_->err();
    ASSERT_TRUE(rr_->wait_for_count("plugin http reset in ", 2, kTimeout, true)) << rr_->err();
    rr_->drain();
    std::size_t resets = 0;
    for (std::size_t pos = 0;
         (pos = rr_->err().find("plugin http reset in ", pos)) != std::string::npos; ++pos) {
        ++resets;
    }
    EXPECT_EQ(resets, 2u) << rr_->err();
}

}  // namespace
}  // namespace rr::e2e
