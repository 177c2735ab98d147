// Lines held for one turn of the event loop (logging/batching_sink.h), driven through Logging
// with a hand-run schedule instead of a loop.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "logging/batching_sink.h"
#include "logging/logging.h"

namespace rr::logging {
namespace {

namespace fs = std::filesystem;

class BatchingTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-batching-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        options_.root.mode = Mode::kRaw;
        options_.root.output = {(dir_ / "out.log").string()};
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::vector<std::string> lines() const {
        std::ifstream in(dir_ / "out.log");
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }
    /// The "loop": what the sinks posted, run when the test says the turn is over.
    void run_turn() {
        auto queued = std::move(posted_);
        posted_.clear();
        for (auto& f : queued) f();
    }
    std::function<void(std::function<void()>)> schedule() {
        return [this](std::function<void()> f) { posted_.push_back(std::move(f)); };
    }

    fs::path dir_;
    LoggingOptions options_;
    std::vector<std::function<void()>> posted_;
};

TEST_F(BatchingTest, LinesOfOneTurnAreWrittenTogetherInOrderWhenTheTurnEnds) {
    Logging logging(options_);
    auto log = logging.get("http");
    logging.batch_until_idle(schedule());
    log->info("one");
    log->info("two");
    logging.get("server")->warn("three");  // another channel, the same output: one buffer
    EXPECT_TRUE(lines().empty());
    EXPECT_EQ(posted_.size(), 1u) << "one write scheduled per turn, not per line";
    run_turn();
    EXPECT_EQ(lines(), (std::vector<std::string>{"one", "two", "three"}));
    log->info("four");
    EXPECT_EQ(posted_.size(), 1u);
    run_turn();
    EXPECT_EQ(lines().size(), 4u);
}

TEST_F(BatchingTest, WithoutAScheduleEveryLineIsWrittenAtOnce) {
    Logging logging(options_);
    logging.get("http")->info("before");
    EXPECT_EQ(lines(), (std::vector<std::string>{"before"}));
    logging.batch_until_idle(schedule());
    logging.get("http")->info("held");
    logging.batch_until_idle({});  // the loop is going away: what is held is written first
    EXPECT_EQ(lines(), (std::vector<std::string>{"before", "held"}));
    logging.get("http")->info("after");
    EXPECT_EQ(lines().size(), 3u);
    run_turn();  // a write still queued on the old loop finds nothing to do
    EXPECT_EQ(lines().size(), 3u);
}

TEST_F(BatchingTest, FlushWritesWhatIsHeldAndABigTurnDoesNotWaitForTheEnd) {
    Logging logging(options_);
    auto log = logging.get("http");
    logging.batch_until_idle(schedule());
    log->info("held");
    logging.flush();  // before exit
    EXPECT_EQ(lines(), (std::vector<std::string>{"held"}));
    const std::string big(1000, 'x');
    std::size_t n = 0;
    while (lines().size() <= 1 && n < 1000) {
        log->info("{}", big);
        ++n;
    }
    EXPECT_LE(n * (big.size() + 1), 2 * BatchingSink::kMaxHeld) << "held bytes are bounded";
    EXPECT_GT(lines().size(), 1u);
    run_turn();
    logging.batch_until_idle({});
    EXPECT_EQ(lines().size(), n + 1);
}

TEST_F(BatchingTest, ALoggingDestroyedBeforeTheTurnEndsLosesNothing) {
    {
        Logging logging(options_);
        logging.batch_until_idle(schedule());
        logging.get("http")->info("last words");
    }
    EXPECT_EQ(lines(), (std::vector<std::string>{"last words"}));
    run_turn();  // the posted write outlives the sink: a no-op
    EXPECT_EQ(lines().size(), 1u);
}

TEST_F(BatchingTest, AThreadWithItsOwnLoopWritesItsLinesOnThatLoopNotTheMainOne) {
    // http.io_threads: a loop thread's lines must not wake the main loop (a post per turn).
    Logging logging(options_);
    logging.batch_until_idle(schedule());  // the main loop's schedule
    std::thread([&] {
        std::vector<std::function<void()>> own;
        {
            BatchingSink::ThreadLoop loop(
                [&own](std::function<void()> f) { own.push_back(std::move(f)); });
            logging.get("http")->info("from a loop");
            logging.get("http")->info("same turn");
            EXPECT_EQ(own.size(), 1u) << "one write per turn of the thread's own loop";
            EXPECT_TRUE(posted_.empty()) << "nothing posted to the main loop";
            EXPECT_TRUE(lines().empty());
            auto turn = std::move(own);
            own.clear();
            for (auto& f : turn) f();
            EXPECT_EQ(lines(), (std::vector<std::string>{"from a loop", "same turn"}));
            logging.get("http")->info("left by the last turn");
            EXPECT_EQ(own.size(), 1u);
        }  // the loop stopped without running that post: the ThreadLoop writes it
        EXPECT_EQ(lines().size(), 3u);
        logging.get("http")->info("after the loop");  // the main loop's schedule again
    }).join();
    EXPECT_EQ(posted_.size(), 1u);
    run_turn();
    EXPECT_EQ(lines(), (std::vector<std::string>{"from a loop", "same turn",
                                                 "left by the last turn", "after the loop"}));
}

}  // namespace
}  // namespace rr::logging
