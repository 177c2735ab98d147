// rpc::Server over real sockets: calls, pipelining, concurrency, stop. Hostile clients are in
// server_hostile_test.cpp, unix sockets in server_unix_test.cpp.
#include "rpc/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "rpc/client.h"
#include "test_support.h"

namespace rr::rpc::test {
namespace {

/// A fresh connection can still make a normal call.
void expect_serves(TestServer& ts) {
    auto c = Client::connect(ts.endpoint(), 5s);
    ASSERT_TRUE(c) << c.error().message;
    auto r = c.value().call("Echo.Json", nlohmann::json{{"still", "here"}}, 5s);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value(), (nlohmann::json{{"still", "here"}}));
}

TEST(RpcServer, AnswersJsonRawAndProtoCalls) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    EXPECT_EQ(ts.endpoint().host, "127.0.0.1");
    EXPECT_NE(ts.endpoint().port, 0);

    auto c = Client::connect(ts.endpoint(), 5s);
    ASSERT_TRUE(c) << c.error().message;
    auto json = c.value().call("Echo.Json", nlohmann::json{{"a", {1, 2, 3}}}, 5s);
    ASSERT_TRUE(json) << json.error().message;
    EXPECT_EQ(json.value(), (nlohmann::json{{"a", {1, 2, 3}}}));

    const std::string binary("\0\x01\xff payload", 11);
    auto raw = c.value().call_raw("Echo.Raw", Codec::kRaw, binary, 5s);
    ASSERT_TRUE(raw) << raw.error().message;
    EXPECT_EQ(raw.value(), binary);
    auto proto = c.value().call_raw("Echo.Raw", Codec::kProto, binary, 5s);
    ASSERT_TRUE(proto) << proto.error().message;
    EXPECT_EQ(proto.value(), binary);
    // []byte under JSON: base64 both ways (Go's encoding/json).
    auto b64 = c.value().call("Echo.Raw", "AAH/", 5s);
    ASSERT_TRUE(b64) << b64.error().message;
    EXPECT_EQ(b64.value(), "AAH/");
}

TEST(RpcServer, RepliesEchoSeqMethodAndCodec) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    ASSERT_TRUE(conn.connected());
    ASSERT_TRUE(conn.send_request(0xDEADBEEF, "Echo.Raw", "xyz", Codec::kRaw));
    auto r = conn.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 0xDEADBEEFu);
    EXPECT_EQ(r->flags, 0x04);
    EXPECT_EQ(r->method, "Echo.Raw");
    EXPECT_EQ(r->body, "xyz");
}

TEST(RpcServer, UnknownServiceMethodAndIllFormedNamesGetGoErrors) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    ASSERT_TRUE(conn.send_request(1, "Nope.Call", "null"));
    ASSERT_TRUE(conn.send_request(2, "Echo.Nope", "null"));
    ASSERT_TRUE(conn.send_request(3, "nodot", "null"));
    const char* expected[] = {"rpc: can't find service Nope.Call",
                              "rpc: can't find method Echo.Nope",
                              "rpc: service/method request ill-formed: nodot"};
    for (std::uint32_t seq = 1; seq <= 3; ++seq) {
        auto r = conn.read_reply();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->seq, seq);
        EXPECT_EQ(r->flags, 0x48);  // JSON | ERROR
        EXPECT_EQ(r->body, expected[seq - 1]);
    }
    // Same connection, still usable.
    ASSERT_TRUE(conn.send_request(4, "Echo.Json", "[4]"));
    auto ok = conn.read_reply();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->seq, 4u);
    EXPECT_FALSE(ok->is_error());
    EXPECT_EQ(ok->body, "[4]");
}

TEST(RpcServer, UnsupportedCodecsGetAClearError) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    const std::pair<std::uint8_t, std::string> cases[] = {
        {0x20, "gob"}, {0x10, "msgpack"}, {0x00, "gob"}};
    std::uint32_t seq = 10;
    for (const auto& [flags, name] : cases) {
        ASSERT_TRUE(conn.send(encode_message(flags, ++seq, "Echo.Json", "\x0f\xff").value()));
        auto r = conn.read_reply();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->seq, seq);
        EXPECT_TRUE(r->is_error());
        EXPECT_EQ(r->flags & 0xBF, flags == 0 ? 0x20 : flags);  // the codec goridge answers with
        EXPECT_EQ(r->body, unsupported_codec_error(codec_from_flags(flags)));
        EXPECT_NE(r->body.find(name + " codec is not supported"), std::string::npos);
    }
    expect_serves(ts);
}

TEST(RpcServer, HandlerErrorsAndExceptionsBecomeErrorReplies) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    auto c = Client::connect(ts.endpoint(), 5s);
    ASSERT_TRUE(c);
    auto fail = c.value().call("Test.Fail", "x", 5s);
    ASSERT_FALSE(fail);
    EXPECT_EQ(fail.error().kind, ClientError::Kind::kService);
    EXPECT_EQ(fail.error().message, "boom: \"x\"");
    auto thrown = c.value().call("Test.Throw", nullptr, 5s);
    ASSERT_FALSE(thrown);
    EXPECT_EQ(thrown.error().kind, ClientError::Kind::kService);
    EXPECT_EQ(thrown.error().message, "rpc: Test.Throw failed: kaput");
    // A service error leaves the connection usable.
    auto ok = c.value().call("Echo.Json", 5, 5s);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok.value(), 5);
}

TEST(RpcServer, PipelinedCallsAnswerOutOfOrderWithTheirSeq) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    // Three requests in one write: two wait for gates, one answers at once.
    std::string batch = encode_message(0x08, 1, "Test.Wait", "\"a\"").value() +
                        encode_message(0x08, 2, "Test.Wait", "\"b\"").value() +
                        encode_message(0x08, 3, "Echo.Json", "\"c\"").value();
    ASSERT_TRUE(conn.send(batch));
    auto first = conn.read_reply();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->seq, 3u);
    EXPECT_EQ(first->body, "\"c\"");
    ASSERT_TRUE(ts.gates().wait_started("a"));
    ASSERT_TRUE(ts.gates().wait_started("b"));
    ts.gates().open("b");
    auto second = conn.read_reply();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->seq, 2u);
    EXPECT_EQ(second->body, "\"b\"");
    ts.gates().open("a");
    auto third = conn.read_reply();
    ASSERT_TRUE(third);
    EXPECT_EQ(third->seq, 1u);
    EXPECT_EQ(third->body, "\"a\"");
}

TEST(RpcServer, ManyPipelinedCallsAreAllAnsweredIntact) {
    ServerOptions opts;
    opts.max_in_flight = 4;  // far fewer than the calls sent: backpressure, nothing lost
    TestServer ts(opts);
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    constexpr int kCalls = 300;
    std::string batch;
    for (int i = 1; i <= kCalls; ++i) {
        batch += encode_message(0x08, static_cast<std::uint32_t>(i), "Echo.Json",
                                "[" + std::to_string(i) + ",\"" + std::string(i % 50, 'x') + "\"]")
                     .value();
    }
    std::thread writer([&] { EXPECT_TRUE(conn.send(batch)); });
    for (int i = 1; i <= kCalls; ++i) {
        auto r = conn.read_reply();
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(r->seq, static_cast<std::uint32_t>(i));  // immediate handlers: in order
        EXPECT_EQ(r->body, "[" + std::to_string(i) + ",\"" + std::string(i % 50, 'x') + "\"]");
    }
    writer.join();
}

TEST(RpcServer, InFlightCapStopsReadingUntilAReplyIsWritten) {
    ServerOptions opts;
    opts.max_in_flight = 2;
    TestServer ts(opts);
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    std::string batch = encode_message(0x08, 1, "Test.Wait", "\"p1\"").value() +
                        encode_message(0x08, 2, "Test.Wait", "\"p2\"").value() +
                        encode_message(0x08, 3, "Echo.Json", "3").value();
    ASSERT_TRUE(conn.send(batch));
    ASSERT_TRUE(ts.gates().wait_started("p1"));
    ASSERT_TRUE(ts.gates().wait_started("p2"));
    EXPECT_EQ(ts.on_io([&] { return ts.server().calls_in_flight(); }), 2u);
    // Without the cap the echo would have been answered first; with it, it is read only once
    // p1's reply is out.
    ts.gates().open("p1");
    auto r1 = conn.read_reply();
    ASSERT_TRUE(r1);
    EXPECT_EQ(r1->seq, 1u);
    auto r3 = conn.read_reply();
    ASSERT_TRUE(r3);
    EXPECT_EQ(r3->seq, 3u);
    ts.gates().open("p2");
    auto r2 = conn.read_reply();
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->seq, 2u);
}

TEST(RpcServer, HundredConcurrentClients) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    constexpr int kClients = 100;
    // All connected first, then all calling at once.
    std::vector<Client> clients;
    for (int i = 0; i < kClients; ++i) {
        auto c = Client::connect(ts.endpoint(), 5s);
        ASSERT_TRUE(c) << c.error().message;
        clients.push_back(std::move(c).value());
    }
    ASSERT_TRUE(ts.wait_until([](Server& s) { return s.connection_count() == kClients; }));
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i) {
        threads.emplace_back([&, i] {
            for (int k = 0; k < 5; ++k) {
                auto r = clients[i].call("Echo.Json", nlohmann::json{{"client", i}, {"k", k}}, 10s);
                if (r && r.value() == nlohmann::json{{"client", i}, {"k", k}}) ++ok;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), kClients * 5);
    clients.clear();
    EXPECT_TRUE(ts.wait_until([](Server& s) { return s.connection_count() == 0; }));
}

TEST(RpcServer, SlowHandlerDoesNotBlockOtherConnections) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn slow(ts.endpoint());
    ASSERT_TRUE(slow.send_request(1, "Test.Wait", "\"slow\""));
    ASSERT_TRUE(ts.gates().wait_started("slow"));
    // Another connection, and the slow one itself, are served meanwhile.
    expect_serves(ts);
    ASSERT_TRUE(slow.send_request(2, "Echo.Json", "2"));
    auto r2 = slow.read_reply();
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->seq, 2u);
    ts.gates().open("slow");
    auto r1 = slow.read_reply();
    ASSERT_TRUE(r1);
    EXPECT_EQ(r1->seq, 1u);
}

TEST(RpcServer, HalfCloseAnswersCallsInFlightThenCloses) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    ASSERT_TRUE(conn.send_request(1, "Test.Wait", "\"h1\""));
    ASSERT_TRUE(conn.send_request(2, "Test.Wait", "\"h2\""));
    ASSERT_TRUE(ts.gates().wait_started("h1"));
    ASSERT_TRUE(ts.gates().wait_started("h2"));
    conn.shutdown_write();
    ts.gates().open("h2");
    ts.gates().open("h1");
    std::set<std::uint32_t> seen;
    for (int i = 0; i < 2; ++i) {
        auto r = conn.read_reply();
        ASSERT_TRUE(r);
        EXPECT_FALSE(r->is_error());
        seen.insert(r->seq);
    }
    EXPECT_EQ(seen, (std::set<std::uint32_t>{1, 2}));
    EXPECT_TRUE(conn.wait_closed());
    EXPECT_TRUE(ts.wait_until([](Server& s) { return s.connection_count() == 0; }));
    expect_serves(ts);
}

TEST(RpcServer, GracefulStopFinishesCallsInFlight) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    const Endpoint ep = ts.endpoint();
    RawConn busy(ep);
    RawConn idle(ep);
    ASSERT_TRUE(busy.send_request(1, "Test.Wait", "\"s\""));
    ASSERT_TRUE(ts.gates().wait_started("s"));
    ASSERT_TRUE(ts.wait_until([](Server& s) { return s.connection_count() == 2; }));

    std::promise<void> stopped;
    ts.on_io([&] { ts.server().stop(Clock::now() + 30s, [&] { stopped.set_value(); }); });
    EXPECT_TRUE(idle.wait_closed());  // nothing in flight there: closed at once
    auto refused = Client::connect(ep, 2s);
    ASSERT_FALSE(refused);  // no longer accepting
    EXPECT_EQ(refused.error().kind, ClientError::Kind::kConnect);

    ts.gates().open("s");
    auto r = busy.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 1u);
    EXPECT_EQ(r->body, "\"s\"");
    EXPECT_TRUE(busy.wait_closed());
    EXPECT_EQ(stopped.get_future().wait_for(kWait), std::future_status::ready);
}

TEST(RpcServer, StopDeadlineClosesConnectionsStillBusy) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn busy(ts.endpoint());
    ASSERT_TRUE(busy.send_request(1, "Test.Wait", "\"never\""));
    ASSERT_TRUE(ts.gates().wait_started("never"));
    std::promise<void> stopped;
    ts.on_io([&] { ts.server().stop(Clock::now() + 50ms, [&] { stopped.set_value(); }); });
    EXPECT_EQ(stopped.get_future().wait_for(kWait), std::future_status::ready);
    EXPECT_TRUE(busy.wait_closed());
    EXPECT_EQ(ts.on_io([&] { return ts.server().connection_count(); }), 0u);
}

TEST(RpcServer, CloseIsImmediateAndStopAfterwardsCompletes) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn busy(ts.endpoint());
    ASSERT_TRUE(busy.send_request(1, "Test.Wait", "\"never2\""));
    ASSERT_TRUE(ts.gates().wait_started("never2"));
    ts.on_io([&] { ts.server().close(); });
    EXPECT_TRUE(busy.wait_closed());
    std::promise<void> stopped;
    ts.on_io([&] { ts.server().stop(Clock::now() + 30s, [&] { stopped.set_value(); }); });
    EXPECT_EQ(stopped.get_future().wait_for(kWait), std::future_status::ready);
}

TEST(RpcServer, DestroyedBeforeTheIoContextRuns) {
    asio::io_context io;
    {
        Server server(io);
        ASSERT_FALSE(server.start(Endpoint::tcp("127.0.0.1", 0)));
    }
    io.run();  // the accept loop starts after its server is gone: it must just end
    SUCCEED();
}

TEST(RpcServer, ConnectionCapPausesAccepting) {
    ServerOptions opts;
    opts.max_connections = 2;
    TestServer ts(opts);
    ASSERT_FALSE(ts.start());
    auto a = Client::connect(ts.endpoint(), 5s);
    auto b = Client::connect(ts.endpoint(), 5s);
    ASSERT_TRUE(a && b);
    ASSERT_TRUE(a.value().call("Echo.Json", 1, 5s));
    ASSERT_TRUE(b.value().call("Echo.Json", 2, 5s));
    RawConn third(ts.endpoint());  // completes in the kernel's backlog
    ASSERT_TRUE(third.connected());
    ASSERT_TRUE(third.send_request(3, "Echo.Json", "3"));
    ASSERT_TRUE(a.value().call("Echo.Json", 1, 5s));  // a round trip on the io thread
    EXPECT_EQ(ts.on_io([&] { return ts.server().connection_count(); }), 2u);
    a.value().close();  // frees a slot: the third is accepted and answered
    auto r = third.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 3u);
}

}  // namespace
}  // namespace rr::rpc::test
