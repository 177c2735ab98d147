// RotatingFile (logs.file_logger_options): lumberjack's backup names, size-based rotation,
// max_backups, max_age and gzip of rotated files; and err_output for a logger's own failures.

#include "logging/rotating_file.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>

#include "logging/logging.h"

namespace rr::logging {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = RotatingFile::Clock;

class RotatingFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-rotate-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    /// Files in the directory, by name.
    std::set<std::string> files() const {
        std::set<std::string> out;
        for (const auto& e : fs::directory_iterator(dir_)) out.insert(e.path().filename());
        return out;
    }

    std::function<Clock::time_point()> clock() {
        return [this] { return Clock::time_point(std::chrono::milliseconds(now_ms_.load())); };
    }
    /// Advances the fake clock.
    void tick(std::chrono::milliseconds d) { now_ms_ += d.count(); }

    std::vector<std::string> errors_;
    std::mutex errors_mu_;
    RotatingFile::ErrorHandler on_error() {
        return [this](const std::string& m) {
            std::lock_guard lock(errors_mu_);
            errors_.push_back(m);
        };
    }

    fs::path dir_;
    // 2026-12-03T10:36:01.099Z
    std::atomic<std::int64_t> now_ms_{1796294161099};
};

std::string gunzip_file(const fs::path& p) {
    gzFile f = ::gzopen(p.c_str(), "rb");
    if (f == nullptr) return "<cannot open>";
    std::string out;
    char buf[4096];
    int n = 0;
    while ((n = ::gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    ::gzclose(f);
    return out;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const std::string kMegabyteLine = std::string(1024 * 1024 - 1, 'x') + "\n";

TEST_F(RotatingFileTest, BackupNamesAreLumberjacks) {
    EXPECT_EQ(RotatingFile::backup_name("/var/log/rr.log",
                                        Clock::time_point(std::chrono::milliseconds(1796294161099)))
                  .string(),
              "/var/log/rr-2026-12-03T10-36-01.099.log");
    EXPECT_EQ(
        RotatingFile::backup_name("app", Clock::time_point(std::chrono::milliseconds(5))).string(),
        "app-1970-01-01T00-00-00.005");
}

TEST_F(RotatingFileTest, RotatesBeforeAWriteWouldPassMaxSize) {
    const fs::path log = dir_ / "rr.log";
    {
        RotatingFile f({.path = log.string(), .max_size_mb = 1}, on_error(), clock());
        f.write("first\n");
        f.write(kMegabyteLine);  // would pass 1 MB: the first line goes to a backup
        tick(1500ms);
        f.write("third\n");  // 1 MB + 6 bytes: rotate again
        f.flush();
        f.wait_idle();
    }
    EXPECT_EQ(files(), (std::set<std::string>{"rr.log", "rr-2026-12-03T10-36-01.099.log",
                                              "rr-2026-12-03T10-36-02.599.log"}));
    EXPECT_EQ(read(dir_ / "rr-2026-12-03T10-36-01.099.log"), "first\n");
    EXPECT_EQ(read(dir_ / "rr-2026-12-03T10-36-02.599.log"), kMegabyteLine);
    EXPECT_EQ(read(log), "third\n");
    EXPECT_TRUE(errors_.empty());
}

TEST_F(RotatingFileTest, KeepsMaxBackupsNewestAndAppendsToAnExistingFile) {
    const fs::path log = dir_ / "rr.log";
    std::ofstream(log) << std::string(1024 * 1024 - 10, 'y');  // left by an earlier run
    {
        RotatingFile f({.path = log.string(), .max_size_mb = 1, .max_backups = 2}, on_error(),
                       clock());
        for (int i = 0; i < 4; ++i) {
            f.write(kMegabyteLine);
            tick(1s);
        }
        f.flush();
        f.wait_idle();
    }
    // 4 rotations (the earlier run's file, then three full ones): the newest 2 stay.
    EXPECT_EQ(files(), (std::set<std::string>{"rr.log", "rr-2026-12-03T10-36-03.099.log",
                                              "rr-2026-12-03T10-36-04.099.log"}));
    EXPECT_EQ(read(log), kMegabyteLine);
}

TEST_F(RotatingFileTest, RemovesBackupsOlderThanMaxAgeAndLeavesOtherFilesAlone) {
    const fs::path log = dir_ / "rr.log";
    std::ofstream(dir_ / "rr-2026-11-01T00-00-00.000.log") << "old";      // 32 days old
    std::ofstream(dir_ / "rr-2026-11-01T00-00-00.000.log.gz") << "old";   // compressed, old
    std::ofstream(dir_ / "rr-2026-12-01T00-00-00.000.log") << "recent";   // 2 days old
    std::ofstream(dir_ / "rr-not-a-time.log") << "keep";                  // not a backup name
    std::ofstream(dir_ / "other-2026-11-01T00-00-00.000.log") << "keep";  // another file's
    RotatingFile f({.path = log.string(), .max_size_mb = 1, .max_age_days = 24}, on_error(),
                   clock());
    f.wait_idle();  // the start-up clean-up
    EXPECT_EQ(files(),
              (std::set<std::string>{"rr.log", "rr-2026-12-01T00-00-00.000.log",
                                     "rr-not-a-time.log", "other-2026-11-01T00-00-00.000.log"}));
}

TEST_F(RotatingFileTest, CompressesRotatedFiles) {
    const fs::path log = dir_ / "rr.log";
    RotatingFile f({.path = log.string(), .max_size_mb = 1, .compress = true}, on_error(), clock());
    f.write("first\n");
    f.write(kMegabyteLine);
    f.flush();
    f.wait_idle();
    EXPECT_EQ(files(), (std::set<std::string>{"rr.log", "rr-2026-12-03T10-36-01.099.log.gz"}));
    EXPECT_EQ(gunzip_file(dir_ / "rr-2026-12-03T10-36-01.099.log.gz"), "first\n");
    EXPECT_TRUE(errors_.empty());
}

TEST(ErrOutput, ALoggerFailureIsReportedThere) {
    const fs::path dir = fs::temp_directory_path() / ("rr-errout-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        LoggingOptions o;
        o.root.file = FileRotation{"/dev/full", 1, 1};
        o.root.err_output = {(dir / "errors.log").string()};
        Logging logging(o);
        logging.get("http")->info("lost");
    }
    const std::string errors = read(dir / "errors.log");
    EXPECT_NE(errors.find("logger http: write to /dev/full failed"), std::string::npos) << errors;
    fs::remove_all(dir);
}

TEST(ErrOutput, AnUnopenableErrOutputStopsTheStart) {
    LoggingOptions o;
    o.root.err_output = {"/proc/no/such/dir/errors.log"};
    EXPECT_THROW(Logging{o}, std::runtime_error);
}

}  // namespace
}  // namespace rr::logging
