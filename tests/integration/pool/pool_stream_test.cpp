// Streamed answers (PROTOCOL.md §3.6): frames in order, PING answered by PONG, STOP + drain
// when the consumer goes away, kill when the worker does not acknowledge within stream_timeout.

#include "pool_fixture.h"

namespace rr::test {
namespace {

using pool::Payload;
using pool::Response;
using pool::ResponseStream;

struct Collected {
    std::vector<std::string> bodies;
    std::size_t pings = 0;
    boost::system::error_code error;
    std::string worker_error;
    bool finished = false;
};

/// Opens a stream for `body`, reads up to `max_frames` frames, then (if `stop_after`) calls
/// stop(); returns what was seen.
asio::awaitable<Collected> read_stream(pool::Pool& pool, std::string body, std::size_t max_frames,
                                       bool stop_after) {
    Collected c;
    std::string context = "{}";
    auto s = co_await pool.exec_stream(Payload{context, body});
    if (!s) {
        c.error = s.error();
        co_return c;
    }
    auto& stream = s.value();
    while (!stream.finished() && c.bodies.size() < max_frames) {
        auto f = co_await stream.next();
        if (!f) {
            c.error = f.error();
            c.worker_error = stream.worker_error();
            break;
        }
        if (f.value().byte10 & protocol::stream_bit::kPing) {
            ++c.pings;
        }
        c.bodies.emplace_back(f.value().body());
    }
    c.finished = stream.finished();
    if (stop_after) {
        co_await stream.stop();
    }
    co_return c;
}

TEST_F(PoolTest, StreamFramesArriveInOrderAndTheWorkerIsReadyAfterwards) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    auto c = run([&] { return read_stream(*pool_, "stream:7", 100, false); });
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.bodies.size(), 8u);
    for (std::size_t i = 0; i < 7; ++i) {
        EXPECT_EQ(c.bodies[i], "c" + std::to_string(i));
    }
    EXPECT_EQ(c.bodies.back(), "end");
    EXPECT_TRUE(c.finished);
    EXPECT_EQ(pool_->stats().ready, 1u);
}

TEST_F(PoolTest, ExecCollectsAStreamIntoOneResponse) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    auto r = exec("stream:3", R"({"status":200})");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r.value().context(), R"({"status":200})");
    EXPECT_EQ(r.value().body(), "c0c1c2end");
    EXPECT_FALSE(r.value().more());
}

TEST_F(PoolTest, PingsAreAnsweredSoTheWorkerKeepsPinging) {
    // The PHP worker sends PING every 5th frame and only sends the next PING after our PONG.
    ASSERT_TRUE(create(options("worker.php", 1)));
    auto c = run([&] { return read_stream(*pool_, "stream_forever", 40, true); });
    ASSERT_FALSE(c.error) << c.error.message();
    EXPECT_EQ(c.bodies.size(), 40u);
    EXPECT_GE(c.pings, 2u);
}

TEST_F(PoolTest, ConsumerGoneSendsStopAndTheAcknowledgingWorkerIsKept) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    const auto before = pids();
    auto c = run([&] { return read_stream(*pool_, "stream_forever", 3, true); });
    ASSERT_FALSE(c.error) << c.error.message();
    EXPECT_EQ(c.bodies.size(), 3u);
    EXPECT_FALSE(c.finished);
    EXPECT_EQ(pids(), before);
    EXPECT_EQ(pool_->stats().ready, 1u);
    auto r = exec("echo:after stream");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r.value().body(), "after stream");
    EXPECT_EQ(pids(), before);
}

TEST_F(PoolTest, DroppingAnUnfinishedStreamDrainsItInTheBackground) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    const auto before = pids();
    auto c = run([&] { return read_stream(*pool_, "stream_forever", 2, false); });
    ASSERT_FALSE(c.error);
    EXPECT_TRUE(run_until([&] { return pool_->stats().ready == 1; }));
    EXPECT_EQ(pids(), before);
}

TEST_F(PoolTest, WorkerIgnoringStopIsKilledAfterStreamTimeout) {
    auto o = options("worker.php", 1);
    o.stream_timeout = 400ms;
    ASSERT_TRUE(create(o));
    const auto before = pids();
    const auto start = std::chrono::steady_clock::now();
    auto c = run([&] { return read_stream(*pool_, "stream_ignore_stop", 2, true); });
    EXPECT_GE(std::chrono::steady_clock::now() - start, 380ms);
    ASSERT_FALSE(c.error);
    EXPECT_TRUE(pool_sink_->contains("stream not stopped within stream_timeout"));
    EXPECT_TRUE(run_until([&] {
        auto now = pids();
        return now.size() == 1 && now != before && pool_->stats().ready == 1;
    }));
}

TEST_F(PoolTest, ErrorFrameMidStreamCutsTheResponseAndRetiresTheWorker) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    const auto before = pids();
    auto c = run([&] { return read_stream(*pool_, "stream_error:2", 100, false); });
    EXPECT_EQ(c.error, make_error_code(errc::kWorkerSoftError));
    EXPECT_EQ(c.worker_error, "stream broke");
    EXPECT_EQ(c.bodies.size(), 2u);
    EXPECT_TRUE(run_until([&] {
        auto now = pids();
        return now.size() == 1 && now != before;
    }));
}

}  // namespace
}  // namespace rr::test
