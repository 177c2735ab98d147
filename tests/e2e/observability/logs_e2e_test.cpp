// Log files of a real rr (docs/logging.md): file_logger_options rotation produces the backups it
// promised (lumberjack names, max_backups, gzip), per channel.

#include <fstream>
#include <set>

#include "e2e/observability/obs_fixture.h"

namespace rr::e2e {
namespace {

/// Names in `dir` starting with `prefix`.
std::set<std::string> names(const fs::path& dir, const std::string& prefix) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string n = e.path().filename().string();
        if (n.rfind(prefix, 0) == 0) out.insert(n);
    }
    return out;
}

TEST_F(ObsE2E, ServerChannelRotatesItsFileKeepsTwoBackupsAndCompressesThem) {
    const fs::path logs = dir_ / "logs";
    ASSERT_NO_FATAL_FAILURE(launch(config({.logs_extra = "  channels:\n"
                                                         "    server:\n"
                                                         "      file_logger_options:\n"
                                                         "        log_output: " +
                                                         (logs / "worker.log").string() +
                                                         "\n"
                                                         "        max_size: 1\n"
                                                         "        max_backups: 2\n"
                                                         "        compress: true\n"})));
    // ~4.4 MB of worker stderr (JSON records of ~1.1 KB): four rotations.
    auto r = get(http_port_, "/spam?lines=4000");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);

    // The clean-up runs in the background: wait (with a deadline) until it has settled on two
    // compressed backups and no uncompressed one.
    std::set<std::string> backups;
    const auto deadline = Clock::now() + kTimeout;
    while (Clock::now() < deadline) {
        backups = names(logs, "worker-");
        const bool settled =
            backups.size() == 2 && std::all_of(backups.begin(), backups.end(), [](auto& n) {
                return n.size() > 3 && n.compare(n.size() - 3, 3, ".gz") == 0;
            });
        if (settled) break;
        ::poll(nullptr, 0, 20);  // a filesystem condition has no event to wait on
    }
    ASSERT_EQ(backups.size(), 2u);
    for (const std::string& b : backups) {
        // worker-2026-12-03T10-36-01.099.log.gz
        ASSERT_EQ(b.size(), std::string("worker-2026-12-03T10-36-01.099.log.gz").size()) << b;
        EXPECT_EQ(b.substr(b.size() - 7), ".log.gz") << b;
        EXPECT_EQ(b[17], 'T') << b;
        gzFile f = ::gzopen((logs / b).c_str(), "rb");
        ASSERT_NE(f, nullptr);
        char buf[64] = {};
        EXPECT_GT(::gzread(f, buf, sizeof buf - 1), 0);
        ::gzclose(f);
        EXPECT_EQ(buf[0], '{') << "a JSON record";  // file_logger_options writes JSON
    }
    EXPECT_TRUE(fs::exists(logs / "worker.log"));
    EXPECT_LE(fs::file_size(logs / "worker.log"), 1u << 20);
    // Other channels still log to stderr.
    EXPECT_NE(rr_->err().find("http server listening on"), std::string::npos);
    EXPECT_EQ(rr_->err().find(std::string(999, 's')), std::string::npos);
}

TEST_F(ObsE2E, EveryWorkerStartAndStopIsLoggedWithItsReason) {
    ASSERT_NO_FATAL_FAILURE(launch(config({.workers = 1, .pool_extra = "    max_jobs: 1\n"})));
    ASSERT_TRUE(rr_->wait_for("worker ", kTimeout, true));
    EXPECT_NE(rr_->err().find(" started in "), std::string::npos) << rr_->err();

    // max_jobs: the worker is recycled after its job, its successor is started.
    auto r = get(http_port_, "/hello");
    ASSERT_TRUE(r);
    ASSERT_TRUE(rr_->wait_for("stopped: max_jobs reached (", kTimeout, true)) << rr_->err();

    // A worker that dies mid-request.
    r = get(http_port_, "/exit");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    ASSERT_TRUE(rr_->wait_for("exited: process exited during a job (exit code 3)", kTimeout, true))
        << rr_->err();
}

TEST_F(ObsE2E, AGracefulStopLogsEachWorkerWithItsReason) {
    ASSERT_NO_FATAL_FAILURE(launch(config({.workers = 2})));
    rr_->signal(SIGTERM);
    EXPECT_EQ(rr_->wait_exit(kTimeout), 0) << rr_->err();
    exited_ = true;
    std::size_t stopped = 0;
    for (std::size_t at = 0;
         (at = rr_->err().find("stopped: pool stopping (", at)) != std::string::npos; ++at) {
        ++stopped;
    }
    EXPECT_EQ(stopped, 2u) << rr_->err();
}

}  // namespace
}  // namespace rr::e2e
