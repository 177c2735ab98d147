// The reload plugin's config (plugins/reload/config.h) and its inotify watcher
// (plugins/reload/watcher.h) on real temp directories. Waits are for a condition with a
// deadline (the io_context runs until the change arrives); "nothing happened" is shown by
// ordering: inotify reports events in order, so when a later, matching change is the first one
// reported, the earlier non-matching one was ignored.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <fstream>
#include <set>

#include "plugins/reload/config.h"
#include "plugins/reload/watcher.h"

namespace rr::plugins {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ------------------------------------------------------------------------------------ config

ReloadConfig decode(const std::string& yaml, config::Warnings* warnings = nullptr,
                    const std::string& base = "/app") {
    const config::Config cfg = config::parse_string(yaml);
    config::Warnings local;
    const config::DecodeContext ctx{base, warnings != nullptr ? warnings : &local};
    return decode_reload_config(*cfg.section("reload"), "reload", ctx);
}

std::string error_of(const std::string& yaml) {
    try {
        (void)decode(yaml);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

TEST(ReloadConfig, DefaultsAndServices) {
    const ReloadConfig c = decode(
        "version: '3'\nreload:\n  services:\n    HTTP:\n      dirs: ['.', 'src']\n"
        "      recursive: true\n      ignore: [vendor]\n      patterns: ['.phtml']\n");
    EXPECT_EQ(c.interval, 1s);
    EXPECT_EQ(c.patterns, std::vector<std::string>{".php"});
    ASSERT_EQ(c.services.size(), 1u);
    const auto& s = c.services[0];
    EXPECT_EQ(s.name, "http");  // plugin names are lower-case
    EXPECT_EQ(s.dirs, (std::vector<fs::path>{"/app", "/app/src"}));
    EXPECT_TRUE(s.recursive);
    EXPECT_EQ(s.ignore, std::vector<fs::path>{"/app/vendor"});
    EXPECT_EQ(s.patterns, (std::vector<std::string>{".phtml", ".php"}));  // service's, then global
}

TEST(ReloadConfig, Validation) {
    EXPECT_EQ(error_of("version: '3'\nreload:\n  interval: 500ms\n  services:\n    http: {dirs: "
                       "['.']}\n"),
              "reload.interval: too short: the minimum is 1s");
    EXPECT_NE(error_of("version: '3'\nreload:\n  interval: 1s\n").find("reload.services: required"),
              std::string::npos);
    EXPECT_NE(error_of("version: '3'\nreload:\n  services: {}\n").find("reload.services: required"),
              std::string::npos);
    EXPECT_NE(
        error_of("version: '3'\nreload:\n  services: abc\n").find("reload.services: expected"),
        std::string::npos);
    // 0 is the default, as upstream's InitDefaults.
    EXPECT_EQ(decode("version: '3'\nreload:\n  interval: 0\n  services:\n    http: {dirs: ['.']}\n")
                  .interval,
              1s);
    config::Warnings w;
    (void)decode("version: '3'\nreload:\n  services:\n    http: {recursive: true, nope: 1}\n", &w);
    EXPECT_EQ(w,
              (config::Warnings{"reload.services.http.nope: unknown key; ignored",
                                "reload.services.http.dirs: empty; nothing is watched for http"}));
}

// ----------------------------------------------------------------------------------- watcher

class Watcher : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-reload-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl;
        log_ = std::make_shared<spdlog::logger>("reload",
                                                std::make_shared<spdlog::sinks::null_sink_mt>());
    }
    void TearDown() override {
        watcher_.reset();
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    void watch(std::vector<WatchSpec> specs) {
        watcher_ = std::make_unique<FileWatcher>(
            io_, std::move(specs),
            [this](const std::string& service, const fs::path& p) {
                changes_.emplace_back(service, p);
            },
            log_);
        std::vector<std::string> warnings;
        ASSERT_FALSE(watcher_->start(warnings));
        warnings_ = warnings;
    }

    WatchSpec spec(std::string service, bool recursive,
                   std::vector<std::string> patterns = {".php"}) const {
        return WatchSpec{std::move(service), {root_}, recursive, std::move(patterns), {}};
    }

    /// Runs the io_context until `n` changes arrived (or 10 s passed).
    bool wait_changes(std::size_t n) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (changes_.size() < n && std::chrono::steady_clock::now() < deadline) {
            io_.run_one_for(50ms);
        }
        return changes_.size() >= n;
    }

    /// Runs the io_context until a change of `path` arrived (or 10 s passed).
    bool wait_path(const fs::path& path) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        auto seen = [&] {
            return std::any_of(changes_.begin(), changes_.end(),
                               [&](const auto& c) { return c.second == path; });
        };
        while (!seen() && std::chrono::steady_clock::now() < deadline) io_.run_one_for(50ms);
        return seen();
    }

    /// Runs the io_context until the watcher has `n` watches (or 10 s passed).
    bool wait_watches(std::size_t n) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (watcher_->watch_count() != n && std::chrono::steady_clock::now() < deadline) {
            io_.run_one_for(50ms);
        }
        return watcher_->watch_count() == n;
    }

    void write(const fs::path& p, const std::string& text = "<?php\n") const {
        std::ofstream(p) << text;
    }

    /// The kernel's own count of watches on the inotify descriptor.
    std::size_t kernel_watches() const {
        std::ifstream in("/proc/self/fdinfo/" + std::to_string(watcher_->native_handle()));
        std::size_t n = 0;
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("inotify wd:", 0) == 0) ++n;
        }
        return n;
    }

    boost::asio::io_context io_;
    fs::path root_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<FileWatcher> watcher_;
    std::vector<std::pair<std::string, fs::path>> changes_;
    std::vector<std::string> warnings_;
};

TEST_F(Watcher, OnlyMatchingNamesCount) {
    watch({spec("http", false)});
    write(root_ / "notes.txt");  // no ".php" in the name: ignored
    write(root_ / "index.php");
    ASSERT_TRUE(wait_changes(1));
    EXPECT_EQ(changes_[0], std::make_pair(std::string("http"), root_ / "index.php"));
}

TEST_F(Watcher, TouchDeleteAndRenameAreChanges) {
    write(root_ / "a.php");
    watch({spec("http", false)});
    fs::last_write_time(root_ / "a.php", fs::file_time_type::clock::now());  // touch
    ASSERT_TRUE(wait_changes(1));
    changes_.clear();
    fs::rename(root_ / "a.php", root_ / "b.php");
    ASSERT_TRUE(wait_changes(2));  // moved from a.php, moved to b.php
    changes_.clear();
    fs::remove(root_ / "b.php");
    ASSERT_TRUE(wait_changes(1));
    EXPECT_EQ(changes_[0].second, root_ / "b.php");
}

TEST_F(Watcher, NonRecursiveIgnoresSubdirectories) {
    fs::create_directories(root_ / "sub");
    watch({spec("http", false)});
    EXPECT_EQ(watcher_->watch_count(), 1u);
    write(root_ / "sub" / "x.php");
    write(root_ / "top.php");
    ASSERT_TRUE(wait_changes(1));
    EXPECT_EQ(changes_[0].second, root_ / "top.php");
}

TEST_F(Watcher, RecursivePicksUpNewSubdirectoriesAndWhatWasWrittenIntoThem) {
    fs::create_directories(root_ / "a" / "b");
    watch({spec("http", true)});
    EXPECT_EQ(watcher_->watch_count(), 3u);
    write(root_ / "a" / "b" / "deep.php");
    ASSERT_TRUE(wait_changes(1));
    EXPECT_EQ(changes_[0].second, root_ / "a" / "b" / "deep.php");
    changes_.clear();
    // mkdir -p + write in one go: the file may exist before the new directory is watched; the
    // scan of the new directory reports it either way.
    fs::create_directories(root_ / "new" / "deeper");
    write(root_ / "new" / "deeper" / "fresh.php");
    ASSERT_TRUE(wait_path(root_ / "new" / "deeper" / "fresh.php"));
    ASSERT_TRUE(wait_watches(5));
    changes_.clear();
    // And later writes there are seen through the new watch.
    write(root_ / "new" / "deeper" / "later.php");
    EXPECT_TRUE(wait_path(root_ / "new" / "deeper" / "later.php"));
}

TEST_F(Watcher, IgnoredPathsAndMissingDirs) {
    fs::create_directories(root_ / "vendor" / "pkg");
    WatchSpec s = spec("http", true);
    s.ignore = {root_ / "vendor"};
    s.dirs.push_back(root_ / "missing");
    watch({s});
    EXPECT_EQ(watcher_->watch_count(), 1u);  // vendor is never watched
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find("missing does not exist"), std::string::npos) << warnings_[0];
    write(root_ / "vendor" / "pkg" / "lib.php");
    fs::create_directories(root_ / "vendor" / "new");  // created in an ignored dir: not watched
    write(root_ / "app.php");
    ASSERT_TRUE(wait_changes(1));
    EXPECT_EQ(changes_[0].second, root_ / "app.php");
    EXPECT_EQ(watcher_->watch_count(), 1u);
}

TEST_F(Watcher, AFileEntryWatchesThatFileOnly) {
    write(root_ / "worker.php");
    write(root_ / "other.php");
    watch({WatchSpec{"http", {root_ / "worker.php"}, false, {".php"}, {}}});
    write(root_ / "other.php", "<?php // changed\n");
    write(root_ / "worker.php", "<?php // changed\n");
    ASSERT_TRUE(wait_changes(1));
    EXPECT_EQ(changes_[0].second, root_ / "worker.php");
}

TEST_F(Watcher, TwoServicesOnOneDirectoryBothHearIt) {
    watch({spec("http", false), spec("grpc", true, {".proto"}), spec("jobs", false)});
    write(root_ / "x.php");
    ASSERT_TRUE(wait_changes(2));
    std::set<std::string> services;
    for (const auto& c : changes_) services.insert(c.first);
    EXPECT_EQ(services, (std::set<std::string>{"http", "jobs"}));
}

TEST_F(Watcher, WatchesDoNotLeakWhenDirectoriesComeAndGo) {
    fs::create_directories(root_ / "keep");
    watch({spec("http", true)});
    ASSERT_EQ(watcher_->watch_count(), 2u);
    ASSERT_EQ(kernel_watches(), 2u);
    for (int i = 0; i < 20; ++i) fs::create_directories(root_ / ("d" + std::to_string(i)) / "x");
    ASSERT_TRUE(wait_watches(42));
    EXPECT_EQ(kernel_watches(), 42u);
    // Deleted trees: the kernel drops their watches (IN_IGNORED), and so do we.
    for (int i = 0; i < 10; ++i) fs::remove_all(root_ / ("d" + std::to_string(i)));
    ASSERT_TRUE(wait_watches(22));
    // Trees moved out of the watched tree: unwatched explicitly.
    const fs::path outside = root_.string() + "-outside";
    fs::create_directories(outside);
    for (int i = 10; i < 20; ++i) {
        fs::rename(root_ / ("d" + std::to_string(i)), outside / ("d" + std::to_string(i)));
    }
    ASSERT_TRUE(wait_watches(2));
    // Let the IN_IGNORED events of the removed watches arrive, then compare with the kernel.
    write(root_ / "keep" / "sync.php");
    changes_.clear();
    ASSERT_TRUE(wait_changes(1));
    EXPECT_EQ(kernel_watches(), 2u);
    EXPECT_EQ(watcher_->watch_count(), 2u);
    std::error_code ec;
    fs::remove_all(outside, ec);
    // stop() closes the descriptor: every watch goes with it.
    const int fd = watcher_->native_handle();
    watcher_->stop();
    EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
    EXPECT_EQ(watcher_->watch_count(), 0u);
}

}  // namespace
}  // namespace rr::plugins
