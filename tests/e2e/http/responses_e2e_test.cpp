// E2E: responses over time and worker failures (BEHAVIOUR.md §3.7, §3.12–3.14, PROTOCOL.md
// §4.7–4.8): 103 then 200, chunked streaming flushed frame by frame, a client abort
// mid-stream, a crashing worker, and all workers busy.
#include "e2e/http/rr_fixture.h"

namespace rr::e2e {
namespace {

class Responses : public HttpE2E {};

TEST_F(Responses, EarlyHintsThenTheFinalResponseWithoutTheHintHeaders) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php")));
    auto c = connect();
    ASSERT_TRUE(c->send(get("/hints")));
    const auto hints = c->read_response(kTimeout);
    ASSERT_TRUE(hints);
    EXPECT_EQ(hints->status, 103);
    EXPECT_EQ(hints->header("Link"), "</a.css>; rel=preload; as=style");
    EXPECT_FALSE(hints->header("Content-Length"));

    const auto final = c->read_response(kTimeout);
    ASSERT_TRUE(final);
    EXPECT_EQ(final->status, 200);
    EXPECT_EQ(final->body, "final");
    // [v6] behaviour (BEHAVIOUR.md §3.7): interim headers stay on the interim response.
    EXPECT_FALSE(final->header("Link"));
    EXPECT_EQ(final->header("Content-Type"), "text/plain");
}

TEST_F(Responses, EarlyHintsAreSkippedForHttp10Clients) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php")));
    auto c = connect();
    ASSERT_TRUE(c->send("GET /hints HTTP/1.0\r\nHost: " + host() + "\r\n\r\n"));
    const auto r = c->read_response(kTimeout);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "final");
}

TEST_F(Responses, StreamedChunksAreFlushedOneByOne) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php")));
    const std::string fifo = make_fifo("gate");
    auto c = connect();
    ASSERT_TRUE(c->send(get("/stream?fifo=" + fifo)));

    // Chunk 1 arrives while the worker is blocked on the FIFO: it cannot have produced
    // chunk 2 yet, so chunk 1 was flushed on its own.
    ASSERT_TRUE(c->read_until("chunk-1\n", kTimeout)) << c->buffer();
    const std::string first = c->buffer();
    EXPECT_NE(first.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << first;
    EXPECT_NE(first.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << first;
    EXPECT_NE(first.find("\r\n8\r\nchunk-1\n\r\n"), std::string::npos) << first;
    EXPECT_EQ(first.find("chunk-2"), std::string::npos) << first;

    ASSERT_NO_FATAL_FAILURE(release_fifo(fifo, "go"));
    const auto r = c->read_response(kTimeout);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->chunked);
    EXPECT_EQ(r->body, "chunk-1\nchunk-2 after go\nend\n");
    EXPECT_FALSE(r->header("Content-Length"));

    // The connection stays usable after a streamed response.
    ASSERT_TRUE(c->send(get("/status")));
    const auto after = c->read_final(kTimeout);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200);
    EXPECT_EQ(after->body, "ok");
}

TEST_F(Responses, ClientAbortMidStreamStopsTheWorkerWhichThenServesTheNextRequest) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php").workers(1)));
    std::string pid;
    {
        auto c = connect();
        ASSERT_TRUE(c->send(get("/endless")));
        ASSERT_TRUE(c->read_until("zzzz\n", kTimeout)) << c->buffer();
        const auto pos = c->buffer().find("X-Pid: ");
        ASSERT_NE(pos, std::string::npos) << c->buffer();
        pid = c->buffer().substr(pos + 7, c->buffer().find("\r\n", pos) - pos - 7);
        c->abort();  // reset mid-stream: rr's next write fails and it sends STOP
    }
    // num_workers: 1, so this waits until the stopped worker is free again, and the same
    // process answers: it was stopped cleanly, not killed.
    const auto r = exchange(get("/status"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->header("X-Pid"), pid);
    EXPECT_EQ(r->header("X-Last-Stream"), "stopped");
}

TEST_F(Responses, TrailersNamedByTheWorkerFollowTheLastChunkWithTheLatestValue) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php")));
    auto c = connect();
    ASSERT_TRUE(c->send(get("/trailers")));
    const auto r = c->read_response(kTimeout);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(r->chunked);
    EXPECT_EQ(r->body, "part-1\npart-2\n");
    EXPECT_EQ(r->header("Trailer"), "X-Checksum");
    EXPECT_FALSE(r->header("X-Checksum"));  // held back from the head
    ASSERT_EQ(r->trailers.size(), 1U);
    EXPECT_EQ(r->trailers[0].first, "X-Checksum");
    EXPECT_EQ(r->trailers[0].second, "final-value");
}

TEST_F(Responses, LargeResponseArrivesIntact) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php")));
    constexpr std::size_t kSize = 5 * 1024 * 1024 + 3;
    const auto r = exchange(get("/big?size=" + std::to_string(kSize)));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    ASSERT_EQ(r->body.size(), kSize);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < kSize; ++i) {
        if (static_cast<unsigned char>(r->body[i]) != i % 256) ++bad;
    }
    EXPECT_EQ(bad, 0U);
}

TEST_F(Responses, WorkerSoftErrorGives500AndTheWorkerStays) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php").workers(1)));
    const auto before = exchange(get("/status"));
    ASSERT_TRUE(before);
    const auto r = exchange(get("/soft-error"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->body, "");  // the error text only with pool.debug
    const auto after = exchange(get("/status"));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200);
    EXPECT_EQ(after->header("X-Pid"), before->header("X-Pid"));
    EXPECT_NE(rr_->err().find("soft failure from PHP"), std::string::npos) << rr_->err();
}

TEST_F(Responses, StatusOutsideTheHttpRangeGives500WithTheReason) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php")));
    const auto r = exchange(get("/bad-status"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->body, "unknown status code from worker: 700\n");
}

TEST_F(Responses, StopSignalLetsTheRequestInFlightFinish) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php").workers(1)));
    const std::string fifo = make_fifo("stop");
    auto c = connect();
    ASSERT_TRUE(c->send(get("/stream?fifo=" + fifo)));
    ASSERT_TRUE(c->read_until("chunk-1\n", kTimeout)) << c->buffer();

    rr_->signal(SIGTERM);
    ASSERT_TRUE(rr_->wait_for("stop signal received", kTimeout)) << rr_->out();
    ASSERT_NO_FATAL_FAILURE(release_fifo(fifo, "go"));
    const auto r = c->read_response(kTimeout);
    ASSERT_TRUE(r) << c->buffer();
    EXPECT_EQ(r->body, "chunk-1\nchunk-2 after go\nend\n");
    EXPECT_TRUE(c->wait_closed(kTimeout));  // no keep-alive while stopping
    EXPECT_EQ(rr_->wait_exit(kTimeout), 0) << rr_->err();
    rr_.reset();
}

TEST_F(Responses, WorkerCrashGives500AndANewWorkerServesTheNextRequest) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().workers(1)));
    const auto before = exchange(get("/before"));
    ASSERT_TRUE(before);
    ASSERT_EQ(before->status, 200);
    const auto old_pid = before->header("X-Pid");

    const auto crash = exchange(get("/crash"));
    ASSERT_TRUE(crash);
    EXPECT_EQ(crash->status, 500);
    EXPECT_EQ(crash->body, "");  // no error text without pool.debug
    EXPECT_FALSE(crash->header("No-Workers"));

    const auto after = exchange(get("/after"));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200) << after->body;
    ASSERT_TRUE(after->header("X-Pid"));
    EXPECT_NE(after->header("X-Pid"), old_pid);
}

TEST_F(Responses, WorkerCrashAfterTheHeadCutsTheStreamAndTheNextRequestIsServed) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php").workers(1)));
    auto c = connect();
    ASSERT_TRUE(c->send(get("/crash-mid-stream")));
    // The head and chunk 1 went out; then the connection is closed without the last chunk,
    // so the client can tell the body is incomplete.
    EXPECT_TRUE(c->wait_closed(kTimeout));
    EXPECT_NE(c->buffer().find("HTTP/1.1 200 OK\r\n"), std::string::npos) << c->buffer();
    EXPECT_NE(c->buffer().find("chunk-1\n"), std::string::npos) << c->buffer();
    EXPECT_EQ(c->buffer().find("\r\n0\r\n\r\n"), std::string::npos) << c->buffer();

    const auto after = exchange(get("/status"));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200);
}

TEST_F(Responses, NoContentHasNeitherBodyNorLength) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php")));
    auto c = connect();
    ASSERT_TRUE(c->send(get("/no-content") + get("/status")));
    const auto r = c->read_response(kTimeout);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    EXPECT_FALSE(r->header("Content-Length"));
    EXPECT_FALSE(r->header("Transfer-Encoding"));
    // The next response starts right after the 204 head: no stray body bytes.
    const auto next = c->read_response(kTimeout);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->status, 200);
    EXPECT_EQ(next->body, "ok");
}

TEST_F(Responses, AllWorkersBusyGives500WithNoWorkersAfterAllocateTimeout) {
    ASSERT_NO_FATAL_FAILURE(
        start(Scenario().worker("stream.php").workers(1).allocate_timeout("1s")));
    const std::string fifo = make_fifo("busy");
    auto busy = connect();
    ASSERT_TRUE(busy->send(get("/stream?fifo=" + fifo)));
    // The first chunk proves the only worker has taken the request and is now blocked.
    ASSERT_TRUE(busy->read_until("chunk-1\n", kTimeout)) << busy->buffer();

    const auto t0 = Clock::now();
    const auto refused = exchange(get("/status"));
    const auto waited = Clock::now() - t0;
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 500);
    EXPECT_EQ(refused->header("No-Workers"), "true");
    EXPECT_EQ(refused->body, "");
    EXPECT_GE(waited, std::chrono::milliseconds(900));

    ASSERT_NO_FATAL_FAILURE(release_fifo(fifo, "go"));
    const auto first = busy->read_response(kTimeout);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->body, "chunk-1\nchunk-2 after go\nend\n");

    const auto after = exchange(get("/status"));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200);
    EXPECT_EQ(after->body, "ok");
}

}  // namespace
}  // namespace rr::e2e
