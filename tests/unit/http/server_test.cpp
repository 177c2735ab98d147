#include <gmock/gmock.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "support/eventually.h"
#include "test_support.h"

namespace rr::http::test {
namespace {

class HttpServer : public ::testing::Test {
protected:
    void start(ServerSettings s = TestServer::short_settings(), HandlerFn fn = echo_handler()) {
        server_ = std::make_unique<TestServer>(s);
        server_->handler().fn = std::move(fn);
        ASSERT_FALSE(server_->start());
    }
    std::uint16_t port() const { return server_->port(); }
    std::unique_ptr<TestServer> server_;
};

TEST_F(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
    start();
    Client c(port());
    for (int i = 0; i < 3; ++i) {
        c.send("GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        auto r = c.read_response();
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, "GET /n" + std::to_string(i));
        EXPECT_EQ(r.fields["content-type"], "text/plain");
        EXPECT_FALSE(r.fields["date"].empty());
        EXPECT_EQ(r.fields.count("connection"), 0u);
    }
    EXPECT_EQ(server_->handler().calls.load(), 3);
    EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(HttpServer, OnDrainedRunsOnceTheLastConnectionHasGoneAfterStop) {
    start();
    auto c = std::make_unique<Client>(port());
    c->send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c->read_response().status, 200);
    // Not stopping yet: an open keep-alive connection does not count as drained.
    auto early = server_->on_drained();
    EXPECT_EQ(server_->connection_count(), 1u);  // a round trip through the I/O thread
    EXPECT_EQ(early.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
    server_->stop();  // the idle keep-alive connection is closed, which drains the server
    EXPECT_EQ(early.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_TRUE(c->wait_closed());
    // Already drained: runs at once.
    EXPECT_EQ(server_->on_drained().wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST_F(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
    start();
    Client c(port());
    c.send(
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"
        "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "GET /a");
    EXPECT_EQ(c.read_response().body, "POST /b xyz");
    EXPECT_EQ(c.read_response().body, "GET /c");
}

TEST_F(HttpServer, Http10ClosesUnlessKeepAliveAsked) {
    start();
    {
        Client c(port());
        c.send("GET /old HTTP/1.0\r\n\r\n");
        auto r = c.read_response();
        EXPECT_EQ(r.head.substr(0, 15), "HTTP/1.0 200 OK");
        EXPECT_EQ(r.fields["connection"], "close");
        EXPECT_TRUE(c.wait_closed());
    }
    Client c(port());
    c.send("GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.fields["connection"], "keep-alive");
    c.send("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "GET /again");
}

TEST_F(HttpServer, ConnectionCloseRequestClosesAfterResponse) {
    start();
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.fields["connection"], "close");
    EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpServer, ExpectContinueIsSentWhenTheHandlerReadsTheBody) {
    start();
    Client c(port());
    c.send("PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    EXPECT_EQ(c.read_until("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
    c.send("hello");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "PUT /up hello");
}

TEST_F(HttpServer, ExpectContinueNotSentWhenHandlerIgnoresBody) {
    start(TestServer::short_settings(), [](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.send_response(403, Fields{}, "no");
    });
    Client c(port());
    c.send("PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.fields["connection"], "close");
    EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpServer, HeadGetsHeadersButNoBody) {
    start();
    Client c(port());
    c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response(/*head_request=*/true);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.fields["content-length"], "7");  // "HEAD /h"
    // The next response must start right away: no body bytes were sent for HEAD.
    c.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
    auto next = c.read_response();
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.body, "GET /next");
}

TEST_F(HttpServer, ChunkedRequestBodyIsDecoded) {
    start();
    Client c(port());
    c.send(
        "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3;ext=1\r\nabc\r\n");
    c.send("4\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "POST /c abcdefg");
    c.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "GET /after");
}

struct SmugglingCase {
    const char* name;
    const char* request;
    int status;
};

class HttpServerSmuggling : public HttpServer,
                            public ::testing::WithParamInterface<SmugglingCase> {};

TEST_P(HttpServerSmuggling, IsRefusedWithCloseAndNeverReachesTheHandlerTwice) {
    start();
    Client c(port());
    c.send(GetParam().request);
    auto r = c.read_response();
    EXPECT_EQ(r.status, GetParam().status);
    EXPECT_EQ(r.fields["connection"], "close");
    EXPECT_TRUE(c.wait_closed());
    // Nothing smuggled: at most the outer request reached the handler.
    EXPECT_LE(server_->handler().calls.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpServerSmuggling,
    ::testing::Values(
        SmugglingCase{"ClAndTe",
                      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n"
                      "Host: x\r\n\r\n",
                      400},
        SmugglingCase{"DifferingContentLength",
                      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 30\r\n"
                      "\r\nhello",
                      400},
        SmugglingCase{"BadChunkSize",
                      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "zz\r\nhello\r\n0\r\n\r\n",
                      400},
        SmugglingCase{"ChunkDataOverrun",
                      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "2\r\nhello\r\n0\r\n\r\n",
                      400},
        SmugglingCase{"ObsFold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400},
        SmugglingCase{"BareCr", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400},
        SmugglingCase{"BareLf", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400},
        SmugglingCase{"TeNotChunkedLast",
                      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
                      400},
        SmugglingCase{"TeOnHttp10",
                      "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        SmugglingCase{"SpaceBeforeColon",
                      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello", 400},
        SmugglingCase{"MissingHost", "GET / HTTP/1.1\r\n\r\n", 400},
        SmugglingCase{"Http2Preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(HttpServer, DeclaredBodyOverLimitGets413BeforeTheHandler) {
    auto s = TestServer::short_settings();
    s.max_request_size = 10;
    start(s);
    Client c(port());
    c.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.fields["connection"], "close");
    EXPECT_TRUE(c.wait_closed());
    EXPECT_EQ(server_->handler().calls.load(), 0);
}

TEST_F(HttpServer, ChunkedBodyOverLimitGets413WhileReading) {
    auto s = TestServer::short_settings();
    s.max_request_size = 10;
    start(s);
    Client c(port());
    c.send(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 413);
    EXPECT_TRUE(c.wait_closed());
    ASSERT_EQ(server_->handler().calls.load(), 1);
}

TEST_F(HttpServer, BodyAtTheLimitIsAccepted) {
    auto s = TestServer::short_settings();
    s.max_request_size = 10;
    start(s);
    Client c(port());
    c.send(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "POST / abcdefghij");
}

TEST_F(HttpServer, OversizedHeadGets431) {
    auto s = TestServer::short_settings();
    s.max_header_bytes = 1024;
    start(s);
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 431);
    EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpServer, SlowHeadersTimeOutWith408AndClose) {
    auto s = TestServer::short_settings();
    s.header_timeout = std::chrono::milliseconds(200);
    start(s);
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finished
    auto start_time = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.wait_closed());
    EXPECT_LT(std::chrono::steady_clock::now() - start_time, std::chrono::seconds(4));
    EXPECT_NE(c.buffered().find("HTTP/1.1 408 Request Timeout"), std::string::npos);
    EXPECT_EQ(server_->handler().calls.load(), 0);
}

TEST_F(HttpServer, IdleKeepAliveConnectionIsClosed) {
    auto s = TestServer::short_settings();
    s.idle_timeout = std::chrono::milliseconds(200);
    start(s);
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 200);
    EXPECT_TRUE(c.wait_closed());
    EXPECT_TRUE(c.buffered().empty());  // silent close, no 408 for an idle connection
}

TEST_F(HttpServer, SlowBodyTimesOutWith408) {
    auto s = TestServer::short_settings();
    s.read_timeout = std::chrono::milliseconds(200);
    start(s);
    Client c(port());
    c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 408);
    EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpServer, ConnectionCapRefusesExtraClients) {
    auto s = TestServer::short_settings();
    s.max_connections = 1;
    start(s);
    Client first(port());
    first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(first.read_response().status, 200);  // accepted and registered
    Client second(port());
    auto r = second.read_response();
    EXPECT_EQ(r.status, 503);
    EXPECT_TRUE(second.wait_closed());
    first.send("GET /still HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(first.read_response().body, "GET /still");
}

TEST_F(HttpServer, HandlerWithoutAnswerGetsInternalErrorCode) {
    auto s = TestServer::short_settings();
    s.internal_error_code = 502;
    start(s, [](Request&, ResponseWriter&) -> asio::awaitable<void> { co_return; });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.body, "");
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");  // connection still usable
    EXPECT_EQ(c.read_response().status, 502);
}

TEST_F(HttpServer, HandlerExceptionDoesNotKillTheServer) {
    start(TestServer::short_settings(),
          [](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
              if (req.target() == "/throw") throw std::runtime_error("boom");
              co_await w.send_response(200, Fields{}, "fine");
          });
    Client c(port());
    c.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 500);
    Client d(port());
    d.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(d.read_response().body, "fine");
}

TEST_F(HttpServer, UnreadBodyIsDrainedToKeepTheConnection) {
    start(TestServer::short_settings(), [](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.send_response(200, Fields{}, "ignored body");
    });
    Client c(port());
    c.send(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "ignored body");
    EXPECT_EQ(c.read_response().body, "ignored body");
    EXPECT_EQ(server_->handler().calls.load(), 2);
}

TEST_F(HttpServer, RequestMappingSeenByTheHandler) {
    struct Seen {
        std::string remote_addr, protocol, uri, raw_query, first_header, sid;
        std::size_t headers = 0;
    };
    auto mapped = std::make_shared<Seen>();
    start(TestServer::short_settings(),
          [mapped](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
              if (req.target() == "/p?q=1") {
                  auto m = req.map();  // borrows from req: copy what the test checks
                  mapped->remote_addr = m.remote_addr;
                  mapped->protocol = m.protocol;
                  mapped->uri = m.uri;
                  mapped->raw_query = m.raw_query;
                  mapped->headers = m.headers.size();
                  mapped->first_header = std::string(m.headers.at(0).name);
                  mapped->sid = m.cookies.at(0).value;
              }
              co_await w.send_response(204, Fields{}, {});
          });
    Client c(port());
    c.send(
        "GET /p?q=1 HTTP/1.1\r\nHost: example.com:81\r\nx-foo: bar\r\n"
        "Cookie: sid=a%2Fb\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.fields.count("content-length"), 0u);
    EXPECT_EQ(mapped->remote_addr, "127.0.0.1");
    EXPECT_EQ(mapped->protocol, "HTTP/1.1");
    EXPECT_EQ(mapped->uri, "http://example.com:81/p?q=1");
    EXPECT_EQ(mapped->raw_query, "q=1");
    EXPECT_EQ(mapped->headers, 2u);
    EXPECT_EQ(mapped->first_header, "X-Foo");
    EXPECT_EQ(mapped->sid, "a/b");
    // on_complete runs after the response is written; a second request orders it for us.
    c.send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 204);
    auto done = server_->handler().completions();
    ASSERT_GE(done.size(), 1u);
    EXPECT_EQ(done[0].status, 204);
    EXPECT_GT(done[0].bytes_written, 0u);
}

TEST_F(HttpServer, ListensOnIpv6Loopback) {
    auto s = TestServer::short_settings();
    s.host = "::1";
    server_ = std::make_unique<TestServer>(s);
    server_->handler().fn = echo_handler();
    if (server_->start()) GTEST_SKIP() << "no IPv6 loopback here";
    Client c(server_->port(), "::1");
    c.send("GET /v6 HTTP/1.1\r\nHost: [::1]\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "GET /v6");
}

TEST_F(HttpServer, UnspecifiedIpv6HostIsDualStack) {
    auto s = TestServer::short_settings();
    s.host = "[::]";
    server_ = std::make_unique<TestServer>(s);
    // The answer is the request's remote_address() (the access log's field, Go's RemoteAddr):
    // an IPv4 client of a dual-stack listener shows as IPv4, an IPv6 one in brackets.
    server_->handler().fn = [](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
        Fields h;
        h.add(std::string("Content-Type"), std::string("text/plain"));
        co_await w.send_response(200, h, std::string(req.target()) + " " + req.remote_address());
    };
    if (server_->start()) GTEST_SKIP() << "no IPv6 here";
    Client v4(server_->port(), "127.0.0.1");
    v4.send("GET /v4 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_THAT(v4.read_response().body, ::testing::MatchesRegex("/v4 127\\.0\\.0\\.1:[0-9]+"));
    Client v6(server_->port(), "::1");
    v6.send("GET /v6 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_THAT(v6.read_response().body, ::testing::MatchesRegex("/v6 \\[::1\\]:[0-9]+"));
}

TEST_F(HttpServer, StopClosesIdleConnectionsAndStopsAccepting) {
    start();
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 200);
    server_->stop();
    EXPECT_TRUE(c.wait_closed());
    boost::system::error_code ec;
    asio::io_context io;
    asio::ip::tcp::socket probe(io);
    probe.connect({asio::ip::make_address("127.0.0.1"), port()}, ec);
    EXPECT_TRUE(ec);  // the listener is closed
}

}  // namespace
}  // namespace rr::http::test

namespace rr::http::test {
namespace {

/// Records each piece and tells the test when the first one arrived.
class RecordingSink final : public BodySink {
public:
    explicit RecordingSink(std::shared_ptr<std::promise<void>> first) : first_(std::move(first)) {}
    boost::system::error_code on_body_data(std::string_view piece) override {
        if (pieces.empty()) first_->set_value();
        pieces.emplace_back(piece);
        return {};
    }
    std::vector<std::string> pieces;

private:
    std::shared_ptr<std::promise<void>> first_;
};

TEST_F(HttpServer, BodySinkReceivesTheBodyIncrementally) {
    auto first = std::make_shared<std::promise<void>>();
    auto first_seen = first->get_future();
    start(TestServer::short_settings(),
          [first](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
              RecordingSink sink(first);
              auto ec = co_await req.read_body(sink);
              if (ec) co_return;
              std::string out = std::to_string(sink.pieces.size()) + ":";
              for (const auto& p : sink.pieces) out += p;
              co_await w.send_response(200, Fields{}, out);
          });
    Client c(port());
    c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
    // The sink sees the first half before the client has sent the rest.
    ASSERT_EQ(first_seen.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    c.send("world");
    EXPECT_EQ(c.read_response().body, "2:helloworld");
}

TEST_F(HttpServer, LargeUnreadBodyClosesInsteadOfDraining) {
    auto s = TestServer::short_settings();
    s.max_drain_bytes = 4;
    start(s, [](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.send_response(200, Fields{}, "early");
    });
    Client c(port());
    c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
    auto r = c.read_response();
    EXPECT_EQ(r.body, "early");
    EXPECT_EQ(r.fields["connection"], "close");
    EXPECT_TRUE(c.wait_closed());
}

// ---- parking idle keep-alive connections (docs/http.md, "Memory") ----

using ::rr::test::eventually;

TEST_F(HttpServer, IdleConnectionIsParkedAndServesItsNextRequest) {
    auto s = TestServer::short_settings();
    s.park_idle_after = std::chrono::milliseconds(0);
    start(s);
    Client c(port());
    c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 200);
    ASSERT_TRUE(eventually([&] { return server_->parked_count() == 1; }));
    // The next request arrives in two pieces: the wake-up read gets the first, the parser
    // asks for more.
    c.send("GET /b HTTP/1.1\r\nHo");
    ASSERT_TRUE(eventually([&] { return server_->parked_count() == 0; }));
    c.send("st: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(server_->handler().calls.load(), 2);
    EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(HttpServer, ParkedConnectionWithAGrownBufferServesLargeHeadsAfterwards) {
    auto s = TestServer::short_settings();
    s.park_idle_after = std::chrono::milliseconds(0);
    start(s);
    Client c(port());
    const std::string big(10000, 'v');  // grows the 4 KiB read buffer
    c.send("GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 200);
    ASSERT_TRUE(eventually([&] { return server_->parked_count() == 1; }));  // shrinks it
    c.send("GET /b HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 200);
    EXPECT_EQ(server_->handler().calls.load(), 2);
}

TEST_F(HttpServer, ParkedConnectionStillTimesOutWhenIdle) {
    auto s = TestServer::short_settings();
    s.park_idle_after = std::chrono::milliseconds(0);
    s.idle_timeout = std::chrono::milliseconds(400);
    start(s);
    Client a(port());
    a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(a.read_response().status, 200);
    ASSERT_TRUE(eventually([&] { return server_->parked_count() == 1; }));
    EXPECT_TRUE(a.wait_closed());  // the idle timeout still applies while parked
    EXPECT_TRUE(a.buffered().empty());
    EXPECT_TRUE(eventually([&] { return server_->connection_count() == 0; }));
    EXPECT_EQ(server_->parked_count(), 0u);
}

TEST_F(HttpServer, ParkedConnectionClosesOnStop) {
    auto s = TestServer::short_settings();
    s.park_idle_after = std::chrono::milliseconds(0);
    start(s);
    Client a(port());
    a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(a.read_response().status, 200);
    ASSERT_TRUE(eventually([&] { return server_->parked_count() == 1; }));
    server_->stop();
    EXPECT_TRUE(a.wait_closed());
    EXPECT_TRUE(eventually([&] { return server_->connection_count() == 0; }));
}

TEST_F(HttpServer, ParkedConnectionClosedByTheClientLeaves) {
    auto s = TestServer::short_settings();
    s.park_idle_after = std::chrono::milliseconds(0);
    start(s);
    {
        Client a(port());
        a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(a.read_response().status, 200);
        ASSERT_TRUE(eventually([&] { return server_->parked_count() == 1; }));
    }
    EXPECT_TRUE(eventually([&] { return server_->connection_count() == 0; }));
    EXPECT_EQ(server_->parked_count(), 0u);
}

}  // namespace
}  // namespace rr::http::test
