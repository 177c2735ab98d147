// Responses: 1xx interim responses, streamed (chunked) bodies flushed frame by frame, trailers,
// and a client that goes away mid-stream.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "test_support.h"

namespace rr::http::test {
namespace {

/// A semaphore the handler awaits on the I/O thread and the test releases from its thread.
class Gate {
public:
    explicit Gate(asio::io_context& ioc) : ioc_(ioc), timer_(ioc) {}
    asio::awaitable<void> wait() {
        while (permits_ == 0) {
            timer_.expires_at(asio::steady_timer::time_point::max());
            boost::system::error_code ec;
            co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        --permits_;
    }
    void release() {
        asio::post(ioc_, [this] {
            ++permits_;
            timer_.cancel();
        });
    }

private:
    asio::io_context& ioc_;
    asio::steady_timer timer_;
    int permits_ = 0;  // I/O thread only
};

class HttpResponses : public ServerWithHandler {};

TEST_F(HttpResponses, EarlyHintsCarryOnlyTheirOwnHeaders) {
    auto hints = fields_of({{"Link", "</style.css>; rel=preload"}});
    auto final_headers = fields_of({{"X-Final", "1"}});
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_FALSE(co_await w.send_interim(103, hints));
        EXPECT_FALSE(co_await w.send_interim(103, hints));
        EXPECT_EQ(co_await w.send_interim(101, hints),
                  make_error_code(rr::errc::kHttpBadWorkerStatus));
        co_await w.send_response(200, final_headers, "done");
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    for (int i = 0; i < 2; ++i) {
        auto early = c.read_response();
        EXPECT_EQ(early.status, 103);
        EXPECT_EQ(early.fields["link"], "</style.css>; rel=preload");
        EXPECT_EQ(early.fields.count("x-final"), 0u);
    }
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.fields["x-final"], "1");
    EXPECT_EQ(r.fields.count("link"), 0u);
    EXPECT_EQ(r.body, "done");
}

TEST_F(HttpResponses, InterimResponsesAreNotSentToHttp10Clients) {
    auto hints = fields_of({{"Link", "</a>"}});
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_FALSE(co_await w.send_interim(103, hints));
        co_await w.send_response(200, Fields{}, "ok");
    });
    Client c(port());
    c.send("GET / HTTP/1.0\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok");
}

TEST_F(HttpResponses, StreamedChunksAreFlushedFrameByFrame) {
    server_ = std::make_unique<TestServer>();
    Gate gate(server_->ioc());
    auto head = fields_of({{"Content-Type", "text/event-stream"}});
    server_->handler().fn = [&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_FALSE(co_await w.start_stream(200, head, "first"));
        co_await gate.wait();
        EXPECT_FALSE(co_await w.send_chunk("second"));
        co_await gate.wait();
        EXPECT_FALSE(co_await w.send_chunk("third"));
        EXPECT_FALSE(co_await w.finish_stream(Fields{}));
    };
    ASSERT_FALSE(server_->start());
    Client c(port());
    c.send("GET /sse HTTP/1.1\r\nHost: x\r\n\r\n");
    auto head_text = c.read_until("\r\n\r\n");
    EXPECT_NE(head_text.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
    EXPECT_EQ(head_text.find("Content-Length"), std::string::npos);
    // Each frame is on the wire before the handler produces the next one.
    EXPECT_EQ(c.read_until("first\r\n"), "5\r\nfirst\r\n");
    gate.release();
    EXPECT_EQ(c.read_until("second\r\n"), "6\r\nsecond\r\n");
    gate.release();
    EXPECT_EQ(c.read_until("\r\n0\r\n\r\n"), "5\r\nthird\r\n0\r\n\r\n");
    // The connection stays usable after a streamed response.
    server_->handler().fn = echo_handler();
    c.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "GET /next");
}

TEST_F(HttpResponses, GracefulStopLetsTheBusyRequestFinishThenCloses) {
    server_ = std::make_unique<TestServer>();
    Gate gate(server_->ioc());
    server_->handler().fn = [&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await gate.wait();
        co_await w.send_response(200, Fields{}, "finished");
    };
    ASSERT_FALSE(server_->start());
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    // The request is in the handler once the connection is registered and the head read; the
    // gate holds it there until we have stopped the server.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (server_->handler().calls.load() == 0 && std::chrono::steady_clock::now() < deadline) {
        server_->connection_count();  // a round trip through the I/O thread
    }
    ASSERT_EQ(server_->handler().calls.load(), 1);
    server_->stop();
    gate.release();
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "finished");
    EXPECT_EQ(r.fields["connection"], "close");
    EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpResponses, TrailersAreSentAfterTheLastChunk) {
    auto head = fields_of({{"Trailer", "X-Checksum, X-Count"}, {"Content-Type", "text/plain"}});
    auto last = fields_of({{"X-Checksum", "abc123"}, {"X-Count", "2"}, {"X-Other", "no"}});
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_FALSE(co_await w.start_stream(200, head, "one"));
        EXPECT_FALSE(co_await w.send_chunk("two"));
        EXPECT_FALSE(co_await w.finish_stream(last));
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.chunked);
    EXPECT_EQ(r.fields["trailer"], "X-Checksum, X-Count");
    EXPECT_EQ(r.body, "onetwo");
    EXPECT_EQ(r.trailers, "X-Checksum: abc123\r\nX-Count: 2\r\n");
}

TEST_F(HttpResponses, SingleFrameWithTrailerHeaderIsSentChunkedWithTrailers) {
    auto headers = fields_of({{"Trailer", "X-Sum"}, {"X-Sum", "42"}});
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.send_response(200, headers, "body");
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_TRUE(r.chunked);
    EXPECT_EQ(r.fields.count("x-sum"), 0u);
    EXPECT_EQ(r.body, "body");
    EXPECT_EQ(r.trailers, "X-Sum: 42\r\n");
}

TEST_F(HttpResponses, ClientGoneMidStreamIsReportedToTheHandler) {
    auto result = std::make_shared<std::promise<bool>>();
    auto fut = result->get_future();
    start([result](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        auto ec = co_await w.start_stream(200, Fields{}, "hello");
        std::string big(64 * 1024, 'x');
        // Keep streaming until the write fails; bounded so a bug cannot spin forever.
        for (int i = 0; i < 100000 && !ec; ++i) {
            ec = co_await w.send_chunk(big);
        }
        result->set_value(ec && w.client_gone());
    });
    Client c(port());
    c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_FALSE(c.read_until("hello\r\n").empty());
    c.abort();
    ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_TRUE(fut.get());
    // The server keeps serving.
    server_->handler().fn = echo_handler();
    Client d(port());
    d.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(d.read_response().body, "GET /after");
}

TEST_F(HttpResponses, ClientThatStopsReadingHitsTheWriteTimeout) {
    auto s = TestServer::short_settings();
    s.write_timeout = std::chrono::milliseconds(200);
    server_ = std::make_unique<TestServer>(s);
    auto result = std::make_shared<std::promise<boost::system::error_code>>();
    auto fut = result->get_future();
    server_->handler().fn = [result](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        auto ec = co_await w.start_stream(200, Fields{}, "x");
        std::string big(256 * 1024, 'y');
        for (int i = 0; i < 100000 && !ec; ++i) {
            ec = co_await w.send_chunk(big);  // blocks once the socket buffers are full
        }
        result->set_value(ec);
    };
    ASSERT_FALSE(server_->start());
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    // Never read: the server's writes stall and the sweep cuts them off.
    ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(fut.get(), make_error_code(rr::errc::kHttpTimeout));
}

TEST_F(HttpResponses, UnfinishedStreamClosesTheConnection) {
    start([](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.start_stream(200, Fields{}, "partial");
        // returns without finish_stream (e.g. the worker crashed)
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_FALSE(c.read_until("partial\r\n").empty());
    EXPECT_TRUE(c.wait_closed());
    EXPECT_EQ(c.buffered().find("0\r\n\r\n"), std::string::npos);  // no terminating chunk
}

TEST_F(HttpResponses, StatusOutsideRangeIsRefusedWithoutWriting) {
    start([](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_EQ(co_await w.send_response(600, Fields{}, "x"),
                  make_error_code(rr::errc::kHttpBadWorkerStatus));
        EXPECT_EQ(co_await w.send_response(99, Fields{}, "x"),
                  make_error_code(rr::errc::kHttpBadWorkerStatus));
        EXPECT_FALSE(w.head_sent());
        co_await w.send_response(500, Fields{}, "unknown status code from worker: 600");
        EXPECT_EQ(co_await w.send_response(200, Fields{}, "again"),
                  make_error_code(rr::errc::kHttpBadWorkerResponse));
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "unknown status code from worker: 600");
}

TEST_F(HttpResponses, Http10StreamIsCloseDelimited) {
    start([](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.start_stream(200, Fields{}, "a");
        co_await w.send_chunk("b");
        co_await w.finish_stream(Fields{});
    });
    Client c(port());
    c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.chunked);
    EXPECT_EQ(r.fields["connection"], "close");
    EXPECT_EQ(r.body, "ab");
}

TEST_F(HttpResponses, StreamWithContentLengthIsSentAsIs) {
    auto headers = fields_of({{"Content-Length", "6"}});
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.start_stream(200, headers, "abc");
        co_await w.send_chunk("def");
        co_await w.finish_stream(Fields{});
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_FALSE(r.chunked);
    EXPECT_EQ(r.body, "abcdef");
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "abcdef");
}

TEST_F(HttpResponses, HandlerHeadersCannotSplitTheResponse) {
    auto headers = fields_of({{"X-Evil", "a\r\nInjected: yes"},
                              {"Bad Name", "v"},
                              {"Content-Length", "999"},
                              {"Transfer-Encoding", "chunked"}});
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.send_response(200, headers, "ok");
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.fields.count("injected"), 0u);
    EXPECT_EQ(r.fields["x-evil"], "a  Injected: yes");
    EXPECT_EQ(r.fields.count("bad name"), 0u);
    EXPECT_EQ(r.fields["content-length"], "2");
    EXPECT_EQ(r.fields.count("transfer-encoding"), 0u);
    EXPECT_EQ(r.body, "ok");
}

}  // namespace
}  // namespace rr::http::test
