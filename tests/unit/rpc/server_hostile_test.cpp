// rpc::Server against clients that misbehave. After each case the server must still answer a
// normal call on a new connection.
#include <gtest/gtest.h>

#include <array>
#include <thread>

#include "rpc/client.h"
#include "rpc/server.h"
#include "test_support.h"

namespace rr::rpc::test {
namespace {

void expect_serves(TestServer& ts) {
    auto c = Client::connect(ts.endpoint(), 5s);
    ASSERT_TRUE(c) << c.error().message;
    auto r = c.value().call("Echo.Json", "alive", 5s);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value(), "alive");
}

/// A header with the given fields and a correct CRC, followed by `options`.
std::string header(std::uint8_t flags, std::uint32_t payload_size,
                   std::initializer_list<std::uint32_t> options) {
    std::array<std::byte, protocol::kMaxHeaderSize> out{};
    const std::vector<std::uint32_t> opts(options);
    const std::size_t n = protocol::encode_header(out, flags, 0, opts, payload_size);
    return {reinterpret_cast<const char*>(out.data()), n};
}

TEST(RpcServerHostile, GarbageClosesOnlyThatConnection) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn other(ts.endpoint());
    ASSERT_TRUE(other.send_request(1, "Echo.Json", "1"));
    ASSERT_TRUE(other.read_reply());

    RawConn garbage(ts.endpoint());
    ASSERT_TRUE(garbage.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_TRUE(garbage.wait_closed());

    ASSERT_TRUE(other.send_request(2, "Echo.Json", "2"));  // untouched
    auto r = other.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 2u);
    expect_serves(ts);
}

TEST(RpcServerHostile, BadCrcAfterAGoodCallAnswersItThenCloses) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    ASSERT_TRUE(conn.send_request(1, "Test.Wait", "\"crc\""));
    ASSERT_TRUE(ts.gates().wait_started("crc"));
    std::string bad = encode_message(0x08, 2, "Echo.Json", "2").value();
    bad[7] = static_cast<char>(bad[7] ^ 0x55);  // break the CRC
    ASSERT_TRUE(conn.send(bad));
    ts.gates().open("crc");
    auto r = conn.read_reply();  // the call in flight is still answered (as Go's net/rpc)
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 1u);
    EXPECT_TRUE(conn.wait_closed());
    expect_serves(ts);
}

TEST(RpcServerHostile, WrongOptionCountClosesTheConnection) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    for (auto options : {std::vector<std::uint32_t>{}, std::vector<std::uint32_t>{1},
                         std::vector<std::uint32_t>{1, 2, 3}}) {
        RawConn conn(ts.endpoint());
        ASSERT_TRUE(conn.send(protocol::encode_frame(0x08, 0, options, "Echo.Json1")));
        EXPECT_TRUE(conn.wait_closed()) << options.size();
    }
    expect_serves(ts);
}

TEST(RpcServerHostile, MethodLengthBeyondPayloadGetsAnErrorAndTheConnectionGoesOn) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    const std::uint32_t options[] = {5, 1000};
    ASSERT_TRUE(conn.send(protocol::encode_frame(0x08, 0, options, "Echo.Json")));
    auto r = conn.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 5u);
    EXPECT_TRUE(r->is_error());
    EXPECT_EQ(r->method, "");
    EXPECT_NE(r->body.find("method length 1000"), std::string::npos);
    ASSERT_TRUE(conn.send_request(6, "Echo.Json", "6"));
    auto ok = conn.read_reply();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->seq, 6u);
    EXPECT_FALSE(ok->is_error());
}

TEST(RpcServerHostile, TruncatedFrameThenCloseIsDropped) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    const std::string frame = encode_message(0x08, 1, "Echo.Json", "[1,2,3]").value();
    for (std::size_t cut :
         {std::size_t{1}, std::size_t{11}, std::size_t{12}, std::size_t{19}, frame.size() - 1}) {
        RawConn conn(ts.endpoint());
        ASSERT_TRUE(conn.send(frame.substr(0, cut)));
        conn.shutdown_write();
        EXPECT_TRUE(conn.wait_closed()) << cut;
    }
    EXPECT_TRUE(ts.wait_until([](Server& s) { return s.connection_count() == 0; }));
    expect_serves(ts);
}

TEST(RpcServerHostile, OversizedRequestIsDiscardedAndAnsweredWithAnError) {
    ServerOptions opts;
    opts.max_request_size = 1024;
    TestServer ts(opts);
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    const std::string big(5000, 'x');
    ASSERT_TRUE(conn.send_request(7, "Echo.Raw", big, Codec::kRaw));
    auto r = conn.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 7u);
    EXPECT_EQ(r->flags, 0x44);  // raw | error
    EXPECT_EQ(r->body, too_large_error(5000 + 8, 1024));
    // The connection is still in sync: the next request is read correctly.
    ASSERT_TRUE(conn.send_request(8, "Echo.Raw", "small", Codec::kRaw));
    auto ok = conn.read_reply();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->seq, 8u);
    EXPECT_EQ(ok->body, "small");
}

TEST(RpcServerHostile, HugeDeclaredLengthIsNeverAllocated) {
    TestServer ts;  // default limit, 64 MiB
    ASSERT_FALSE(ts.start());
    RawConn conn(ts.endpoint());
    // 4 GiB - 16 declared; only a few bytes follow. An allocation of that size would abort
    // under ASan; the server discards what comes and waits for the rest.
    ASSERT_TRUE(conn.send(header(0x08, 0xFFFFFFF0u, {1, 9}) + "Echo.Json[1]"));
    expect_serves(ts);  // meanwhile, other clients are served
    conn.shutdown_write();
    EXPECT_TRUE(conn.wait_closed());
    EXPECT_TRUE(ts.wait_until([](Server& s) { return s.connection_count() == 0; }));
    expect_serves(ts);
}

TEST(RpcServerHostile, StalledFrameHitsTheReadTimeout) {
    ServerOptions opts;
    opts.read_timeout = 100ms;
    TestServer ts(opts);
    ASSERT_FALSE(ts.start());
    RawConn idle(ts.endpoint());  // idle between frames: never timed out
    RawConn stalled(ts.endpoint());
    ASSERT_TRUE(stalled.send(encode_message(0x08, 1, "Echo.Json", "1").value().substr(0, 15)));
    EXPECT_TRUE(stalled.wait_closed());
    ASSERT_TRUE(idle.send_request(2, "Echo.Json", "2"));
    auto r = idle.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 2u);
    expect_serves(ts);
}

TEST(RpcServerHostile, ClientThatNeverReadsHitsTheWriteTimeout) {
    ServerOptions opts;
    opts.write_timeout = 200ms;
    TestServer ts(opts);
    ASSERT_FALSE(ts.start());
    RawConn deaf(ts.endpoint());
    // Replies far larger than the socket buffers, never read.
    const std::string big(8u << 20, 'z');
    std::thread writer([&] {
        for (std::uint32_t seq = 1; seq <= 4; ++seq) {
            if (!deaf.send_request(seq, "Echo.Raw", big, Codec::kRaw)) break;
        }
    });
    EXPECT_TRUE(ts.wait_until([](Server& s) { return s.connection_count() == 0; }));
    writer.join();
    expect_serves(ts);
}

TEST(RpcServerHostile, ClientVanishingWithCallsInFlightIsHarmless) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    {
        RawConn gone(ts.endpoint());
        ASSERT_TRUE(gone.send_request(1, "Test.Wait", "\"gone\""));
        ASSERT_TRUE(ts.gates().wait_started("gone"));
    }                         // closed with the call still running
    ts.gates().open("gone");  // its reply has nowhere to go
    EXPECT_TRUE(ts.wait_until([](Server& s) { return s.connection_count() == 0; }));
    expect_serves(ts);
}

}  // namespace
}  // namespace rr::rpc::test
