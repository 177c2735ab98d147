// E2E: a hostile RPC client cannot take the real `rr serve` down: garbage, truncated frames,
// a huge declared length, a bad CRC, a client that never reads, 100 concurrent clients. After
// all of it RPC, the CLI and HTTP still work and rr stops cleanly (exit 0) on SIGTERM.
#include <random>
#include <thread>

#include "e2e/ctl/ctl_fixture.h"
#include "unit/rpc/test_support.h"

namespace rr::e2e {
namespace {

using rpc::test::RawConn;

class HostileRpc : public CtlE2E {
protected:
    rpc::Endpoint endpoint() const { return rpc::Endpoint::tcp("127.0.0.1", rpc_port_); }

    /// The server still answers RPC, the CLI and HTTP.
    void expect_serving() {
        EXPECT_EQ(worker_pids().size(), 2u);
        const CliRun run = cli({"workers"});
        EXPECT_EQ(run.code, 0) << run.err;
        EXPECT_EQ(table_pids(run.out).size(), 2u) << run.out;
        EXPECT_TRUE(get("/still-here").is_object());
        rr_->drain();
    }
};

TEST_F(HostileRpc, GarbageTruncatedAndOversizedFramesLeaveTheServerServing) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(2)));

    {  // 64 KiB of random bytes: the connection is closed, nothing else happens.
        RawConn c(endpoint());
        ASSERT_TRUE(c.connected());
        std::mt19937 rng(11);
        std::string junk(64 * 1024, '\0');
        for (auto& ch : junk) ch = static_cast<char>(rng());
        c.send(junk);
        EXPECT_TRUE(c.wait_closed());
    }
    {  // An HTTP request on the RPC port.
        RawConn c(endpoint());
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_TRUE(c.wait_closed());
    }
    {  // A bad CRC.
        RawConn c(endpoint());
        std::string frame = rpc::encode_message(0x08, 1, "informer.List", "true").value();
        frame[7] = static_cast<char>(frame[7] ^ 0x5a);  // inside the header CRC
        c.send(frame);
        EXPECT_TRUE(c.wait_closed());
    }
    {  // A payload length of ~4 GiB declared, a few bytes sent, then the client goes away.
        RawConn c(endpoint());
        std::string frame = rpc::encode_message(0x08, 1, "informer.List", "true").value();
        c.send(frame.substr(0, 12));  // the header alone (its CRC covers it, not the payload)
    }
    {  // Truncated frames: half a header; a header and half a payload; then close.
        RawConn a(endpoint());
        a.send(rpc::encode_message(0x08, 1, "informer.List", "true").value().substr(0, 5));
        RawConn b(endpoint());
        const std::string frame = rpc::encode_message(0x08, 2, "resetter.List", "true").value();
        b.send(frame.substr(0, frame.size() - 3));
    }
    {  // A request whose reply is never read, and a half-close: answered, then closed.
        RawConn c(endpoint());
        c.send_request(1, "informer.Workers", "\"http\"");
        RawConn d(endpoint());
        d.send_request(7, "rpc.Version", "true");
        d.shutdown_write();
        const auto reply = d.read_reply();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->seq, 7u);
        EXPECT_EQ(reply->body, "\"2024.3.5\"");
        EXPECT_TRUE(d.wait_closed());
    }
    {  // Wrong argument types and unknown methods: error replies on a connection that stays up.
        RawConn c(endpoint());
        c.send_request(1, "resetter.Reset", "{\"plugin\":[1,2]}");
        c.send_request(2, "informer.Workers", "not json");
        c.send_request(3, "nope", "true");
        c.send_request(4, "informer.List", "true");
        for (std::uint32_t seq = 1; seq <= 4; ++seq) {
            const auto reply = c.read_reply();
            ASSERT_TRUE(reply) << seq;
            EXPECT_EQ(reply->is_error(), reply->seq != 4) << reply->seq << " " << reply->body;
        }
    }
    ASSERT_NO_FATAL_FAILURE(expect_serving());
}

TEST_F(HostileRpc, HundredConcurrentClients) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(2)));
    constexpr int kClients = 100;
    std::atomic<int> ok{0};
    std::mutex mu;
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i) {
        threads.emplace_back([&, i] {
            auto c = rpc::Client::connect(endpoint(), std::chrono::seconds(20));
            if (!c) {
                std::lock_guard lock(mu);
                errors.push_back(c.error().message);
                return;
            }
            // Half the clients mix in a call that fails; the rest only good ones.
            for (int n = 0; n < 5; ++n) {
                auto r =
                    c.value().call(n % 2 ? "informer.Workers" : "resetter.List",
                                   n % 2 ? Json("http") : Json(true), std::chrono::seconds(30));
                if (!r) {
                    std::lock_guard lock(mu);
                    errors.push_back(r.error().message);
                    return;
                }
                if (i % 2 == 0) {
                    auto bad = c.value().call("informer.Nope", true, std::chrono::seconds(30));
                    if (bad || bad.error().kind != rpc::ClientError::Kind::kService) {
                        std::lock_guard lock(mu);
                        errors.push_back("an unknown method did not fail as a service error");
                        return;
                    }
                }
            }
            ++ok;
        });
    }
    // The io thread keeps working meanwhile (HTTP answers while 100 RPC clients hammer it).
    EXPECT_TRUE(get("/during").is_object());
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), kClients) << (errors.empty() ? "" : errors.front());
    ASSERT_NO_FATAL_FAILURE(expect_serving());
}

}  // namespace
}  // namespace rr::e2e
