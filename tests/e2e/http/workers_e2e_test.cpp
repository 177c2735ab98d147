// E2E: the worker pool seen through HTTP (BEHAVIOUR.md §1.8, §3.12–3.14, PROTOCOL.md §6):
// concurrent clients, max_jobs, exec_ttl, pool.debug, proxy_ip_parser.
#include <nlohmann/json.hpp>
#include <set>

#include "e2e/http/rr_fixture.h"

namespace rr::e2e {
namespace {

using nlohmann::json;

class Workers : public HttpE2E {};

TEST_F(Workers, ConcurrentClientsEachGetTheirOwnAnswer) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().workers(2)));
    constexpr int kClients = 24;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(connect());
        // A body per client, so a mix-up of bodies shows as well as one of heads.
        const std::string body = "client-" + std::to_string(i);
        ASSERT_TRUE(clients.back()->send("POST /id/" + std::to_string(i) +
                                         " HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\n"
                                         "Content-Length: " +
                                         std::to_string(body.size()) + "\r\n\r\n" + body));
    }
    std::set<std::string> pids;
    for (int i = 0; i < kClients; ++i) {
        SCOPED_TRACE(i);
        const auto r = clients[i]->read_final(kTimeout);
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200);
        const json j = json::parse(r->body);
        EXPECT_EQ(j["uri"], "http://a/id/" + std::to_string(i));
        EXPECT_EQ(j["headers"]["Content-Length"],
                  json::array({std::to_string(("client-" + std::to_string(i)).size())}));
        pids.insert(*r->header("X-Pid"));
        rr_->drain();
    }
    EXPECT_LE(pids.size(), 2U);
}

TEST_F(Workers, MaxJobsReplacesTheWorkerAfterItsLastJob) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().workers(1).pool_extra("    max_jobs: 1\n")));
    std::set<std::string> pids;
    for (int i = 0; i < 3; ++i) {
        const auto r = exchange(get("/n"));
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200);
        EXPECT_EQ(json::parse(r->body)["served"], 1);  // every request meets a fresh worker
        pids.insert(*r->header("X-Pid"));
    }
    EXPECT_EQ(pids.size(), 3U);
}

TEST_F(Workers, FullQueueIsRefusedAtOnceWhileQueuedRequestsWait) {
    ASSERT_NO_FATAL_FAILURE(
        start(Scenario().worker("stream.php").workers(1).pool_extra("    max_queue_size: 1\n")));
    const std::string fifo = make_fifo("queue");
    auto busy = connect();
    ASSERT_TRUE(busy->send(get("/stream?fifo=" + fifo)));
    ASSERT_TRUE(busy->read_until("chunk-1\n", kTimeout)) << busy->buffer();

    // Two more clients: one takes the only queue place and waits (allocate_timeout is 20 s),
    // the other finds the queue full and is answered at once. Which is which depends on the
    // order rr reads the two sockets, so the first one to get an answer is the refused one.
    auto b = connect();
    auto c = connect();
    ASSERT_TRUE(b->send(get("/status")));
    ASSERT_TRUE(c->send(get("/status")));
    pollfd fds[2] = {{b->fd(), POLLIN, 0}, {c->fd(), POLLIN, 0}};
    ASSERT_GT(::poll(fds, 2, static_cast<int>(kTimeout.count())), 0);
    RawClient& refused_client = (fds[0].revents != 0) ? *b : *c;
    RawClient& queued = (fds[0].revents != 0) ? *c : *b;
    const auto refused = refused_client.read_response(kTimeout);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 500);
    EXPECT_FALSE(refused->header("No-Workers"));  // not an allocate timeout
    EXPECT_FALSE(fds[0].revents != 0 && fds[1].revents != 0) << "both answered at once";

    ASSERT_NO_FATAL_FAILURE(release_fifo(fifo, "go"));
    ASSERT_TRUE(busy->read_response(kTimeout));
    const auto r = queued.read_final(kTimeout);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

TEST_F(Workers, ExecTtlKillsAHungRequestWith500AndANewWorkerTakesOver) {
    ASSERT_NO_FATAL_FAILURE(
        start(Scenario()
                  .worker("stream.php")
                  .workers(1)
                  .pool_extra("    supervisor:\n      watch_tick: 100ms\n      exec_ttl: 1s\n")));
    const auto before = exchange(get("/status"));
    ASSERT_TRUE(before);
    const std::string fifo = make_fifo("never");  // never released
    const auto t0 = Clock::now();
    const auto hung = exchange(get("/wait?fifo=" + fifo));
    const auto waited = Clock::now() - t0;
    ASSERT_TRUE(hung);
    EXPECT_EQ(hung->status, 500);
    EXPECT_GE(waited, std::chrono::milliseconds(900));

    const auto after = exchange(get("/status"));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200);
    EXPECT_NE(after->header("X-Pid"), before->header("X-Pid"));
}

TEST_F(Workers, DebugModeShowsTheErrorTextAndStartsAWorkerPerRequest) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().worker("stream.php").pool_extra("    debug: true\n")));
    const auto err = exchange(get("/soft-error"));
    ASSERT_TRUE(err);
    EXPECT_EQ(err->status, 500);
    EXPECT_EQ(err->body, "soft failure from PHP &lt;b&gt;&amp;&lt;/b&gt;\n");  // HTML-escaped
    const auto a = exchange(get("/status"));
    const auto b = exchange(get("/status"));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(b->status, 200);
    EXPECT_NE(a->header("X-Pid"), b->header("X-Pid"));
}

TEST_F(Workers, ProxyIpParserTakesTheClientAddressFromATrustedPeer) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().http_extra(
        "  middleware: [proxy_ip_parser]\n  trusted_subnets: [\"127.0.0.0/8\"]\n")));
    const auto r = exchange(get("/ip", "X-Forwarded-For: 203.0.113.7, 10.0.0.1\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->body)["remote_addr"], "203.0.113.7");
    const auto plain = exchange(get("/ip"));
    ASSERT_TRUE(plain);
    EXPECT_EQ(json::parse(plain->body)["remote_addr"], "127.0.0.1");
}

TEST_F(Workers, ForwardedForIsIgnoredWithoutTheMiddleware) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().http_extra("  trusted_subnets: [\"127.0.0.0/8\"]\n")));
    const auto r = exchange(get("/ip", "X-Forwarded-For: 203.0.113.7\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->body)["remote_addr"], "127.0.0.1");
}

}  // namespace
}  // namespace rr::e2e
