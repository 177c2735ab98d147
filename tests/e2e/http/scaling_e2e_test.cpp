// E2E: `http.io_threads` (docs/scaling.md) with the real rr and real PHP workers
// (php/scaling.php answers its PID). With 2 loops of 1 worker each and requests sent one at a
// time, a loop's own worker is always idle, so the PID that answers a connection's request
// names the loop that accepted the connection: that is how these tests see the loops.
#include <atomic>
#include <iterator>
#include <map>
#include <set>
#include <thread>

#include "e2e/http/rr_fixture.h"

namespace rr::e2e {
namespace {

class IoThreads : public HttpE2E {
protected:
    static Scenario loops(int n, int workers) {
        return Scenario()
            .worker("scaling.php")
            .workers(workers)
            .http_extra("  io_threads: " + std::to_string(n) + "\n");
    }

    /// GET `target` on `c` (keep-alive); the body, or "" on failure.
    std::string ask(RawClient& c, const std::string& target, milliseconds timeout = kTimeout) {
        if (!c.send(get(target))) return "";
        auto r = c.read_final(timeout);
        if (rr_) rr_->drain();
        if (!r || r->status != 200) return "";
        return r->body;
    }

    /// Opens `n` connections and asks /pid on each, one after the other: connections by the
    /// PID (i.e. the loop) that served them.
    using ByPid = std::map<std::string, std::vector<std::unique_ptr<RawClient>>>;
    ByPid classify(int n) {
        ByPid out;
        for (int i = 0; i < n; ++i) {
            auto c = connect();
            const std::string pid = ask(*c, "/pid");
            EXPECT_FALSE(pid.empty());
            out[pid].push_back(std::move(c));
        }
        return out;
    }

    /// Of two loops, one that got at least two of the connections (n over 2 loops: one has at
    /// least n / 2): its worker's PID and its connections.
    static ByPid::iterator loop_with_two(ByPid& by_pid) {
        return by_pid.begin()->second.size() >= 2 ? by_pid.begin() : std::prev(by_pid.end());
    }

    fs::path empty_dir(const std::string& name) {
        const fs::path p = dir_ / name;
        fs::create_directories(p);
        return p;
    }

    static std::size_t files_in(const fs::path& p) {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(p)) ++n;
        return n;
    }
};

TEST_F(IoThreads, OneLoopServesSequentialRequestsWithItsHotWorker) {
    // The contrast for the tests below: one loop, two workers, requests one at a time: the
    // most recently used worker takes every one.
    ASSERT_NO_FATAL_FAILURE(start(loops(1, 2)));
    const auto by_pid = classify(16);
    EXPECT_EQ(by_pid.size(), 1u);
}

TEST_F(IoThreads, BothLoopsAcceptConnections) {
    // SO_REUSEPORT: the kernel spreads new connections over the two loops' listeners (32
    // connections all on one loop: 2^-31 with a uniform hash).
    ASSERT_NO_FATAL_FAILURE(start(loops(2, 2)));
    EXPECT_NE(rr_->err().find("2 I/O threads"), std::string::npos) << rr_->err();
    const auto by_pid = classify(32);
    EXPECT_EQ(by_pid.size(), 2u);
}

TEST_F(IoThreads, ABusyLoopsJobRunsOnAnotherLoopsIdleWorker) {
    ASSERT_NO_FATAL_FAILURE(start(loops(2, 2)));
    auto by_pid = classify(16);
    ASSERT_EQ(by_pid.size(), 2u);
    // Two connections of the same loop.
    auto& same = loop_with_two(by_pid)->second;
    ASSERT_GE(same.size(), 2u);
    const fs::path barrier = empty_dir("barrier");
    const std::string target = "/barrier?dir=" + barrier.string() + "&n=2";
    // Both jobs wait in PHP until both have started: only possible when the second one ran on
    // the other loop's worker while the first held this loop's.
    ASSERT_TRUE(same[0]->send(get(target)));
    ASSERT_TRUE(same[1]->send(get(target)));
    auto a = same[0]->read_final(kTimeout * 2);
    auto b = same[1]->read_final(kTimeout * 2);
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->status, 200);
    ASSERT_EQ(b->status, 200);
    EXPECT_NE(a->body.find(" met"), std::string::npos) << a->body;
    EXPECT_NE(b->body.find(" met"), std::string::npos) << b->body;
    EXPECT_NE(a->header("X-Pid"), b->header("X-Pid"));
    std::set<std::string> pids;
    for (const auto& [pid, conns] : by_pid) pids.insert(pid);
    EXPECT_TRUE(pids.count(a->header("X-Pid").value_or("")));
    EXPECT_TRUE(pids.count(b->header("X-Pid").value_or("")));
}

TEST_F(IoThreads, AStreamedAnswerFromAnotherLoopsWorkerArrivesFrameByFrame) {
    ASSERT_NO_FATAL_FAILURE(start(loops(2, 2)));
    auto by_pid = classify(16);
    ASSERT_EQ(by_pid.size(), 2u);
    const auto loop = loop_with_two(by_pid);
    auto& same = loop->second;
    ASSERT_GE(same.size(), 2u);
    const std::string own_pid = loop->first;
    // This loop's worker is held; the streamed job runs on the other loop's worker and each of
    // its frames is handed back.
    const fs::path marks = empty_dir("marks");
    const std::string fifo = make_fifo("fifo");
    ASSERT_TRUE(same[0]->send(get("/hold?fifo=" + fifo + "&mark=" + marks.string())));
    const auto deadline = Clock::now() + kTimeout;
    while (files_in(marks) < 1 && Clock::now() < deadline) rr_->wait_for("\x01", milliseconds(20));
    ASSERT_EQ(files_in(marks), 1u);
    ASSERT_TRUE(same[1]->send(get("/chunks?n=5")));
    auto streamed = same[1]->read_final(kTimeout);
    ASSERT_TRUE(streamed);
    EXPECT_EQ(streamed->status, 200);
    EXPECT_TRUE(streamed->chunked);
    const std::string other_pid = streamed->header("X-Pid").value_or("");
    EXPECT_NE(other_pid, own_pid);
    std::string expected;
    for (int i = 1; i <= 5; ++i) expected += other_pid + " chunk-" + std::to_string(i) + "\n";
    EXPECT_EQ(streamed->body, expected);
    release_fifo(fifo, "done");
    auto held = same[0]->read_final(kTimeout);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->body, own_pid + " done");
}

TEST_F(IoThreads, AFloodOnOneLoopDoesNotStarveTheOther) {
    ASSERT_NO_FATAL_FAILURE(start(loops(2, 2)));
    auto by_pid = classify(24);
    ASSERT_EQ(by_pid.size(), 2u);
    auto* flooded = &by_pid.begin()->second;
    auto* other = &by_pid.rbegin()->second;
    if (flooded->size() < other->size()) std::swap(flooded, other);
    // The flooded loop keeps both workers busy (its own and, stolen, the other loop's) with
    // more jobs than workers, from up to 6 connections at once.
    std::atomic<bool> stop{false};
    std::atomic<int> served{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> flood;
    const std::string slow = get("/sleep?ms=20");
    for (std::size_t i = 0; i < flooded->size() && i < 6; ++i) {
        flood.emplace_back([&, c = (*flooded)[i].get()] {
            while (!stop) {
                if (!c->send(slow)) {
                    ++failed;
                    return;
                }
                auto r = c->read_final(kTimeout);
                if (!r || r->status != 200) {
                    ++failed;
                    return;
                }
                ++served;
            }
        });
    }
    // The other loop's requests complete meanwhile (bounded by the deadline, not timed).
    for (int i = 0; i < 10; ++i) {
        EXPECT_FALSE(ask(*other->front(), "/pid").empty()) << "request " << i;
    }
    stop = true;
    for (auto& t : flood) t.join();
    EXPECT_EQ(failed.load(), 0);
    EXPECT_GT(served.load(), 0);
}

TEST_F(IoThreads, AUnixSocketListenerIsServedByLoopZeroAndReachesEveryShard) {
    const std::string sock = (dir_ / "app.sock").string();
    ASSERT_NO_FATAL_FAILURE(start(loops(2, 2).address("unix://" + sock)));
    // Two requests at once over the socket (one loop accepts them all): both meet in the
    // barrier, i.e. the second ran on the other loop's worker.
    const fs::path barrier = empty_dir("barrier");
    const std::string url = "http://localhost/barrier?dir=" + barrier.string() + "&n=2";
    auto curl = [&] {
        return std::make_unique<ChildProcess>(
            std::vector<std::string>{"/usr/bin/curl", "-sS", "--max-time", "40", "--unix-socket",
                                     sock, url},
            dir_.string());
    };
    auto a = curl();
    auto b = curl();
    EXPECT_EQ(a->wait_exit(kTimeout * 2), 0) << a->err();
    EXPECT_EQ(b->wait_exit(kTimeout * 2), 0) << b->err();
    EXPECT_NE(a->out().find(" met"), std::string::npos) << a->out();
    EXPECT_NE(b->out().find(" met"), std::string::npos) << b->out();
    EXPECT_NE(a->out().substr(0, a->out().find(' ')), b->out().substr(0, b->out().find(' ')));
}

TEST_F(IoThreads, ShutdownFinishesInFlightRequestsOnEveryLoop) {
    ASSERT_NO_FATAL_FAILURE(start(loops(2, 2)));
    auto by_pid = classify(16);
    ASSERT_EQ(by_pid.size(), 2u);
    RawClient& a = *by_pid.begin()->second.front();
    RawClient& b = *by_pid.rbegin()->second.front();
    const fs::path marks = empty_dir("marks");
    const std::string fifo_a = make_fifo("fifo-a");
    const std::string fifo_b = make_fifo("fifo-b");
    ASSERT_TRUE(a.send(get("/hold?fifo=" + fifo_a + "&mark=" + marks.string())));
    ASSERT_TRUE(b.send(get("/hold?fifo=" + fifo_b + "&mark=" + marks.string())));
    // Both jobs are running (each worker made its mark).
    const auto deadline = Clock::now() + kTimeout;
    while (files_in(marks) < 2 && Clock::now() < deadline) rr_->wait_for("\x01", milliseconds(20));
    ASSERT_EQ(files_in(marks), 2u);
    rr_->signal(SIGTERM);
    ASSERT_TRUE(rr_->wait_for("stop signal received", kTimeout)) << rr_->out();
    release_fifo(fifo_a, "one");
    release_fifo(fifo_b, "two");
    auto ra = a.read_final(kTimeout);
    auto rb = b.read_final(kTimeout);
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(ra->status, 200);
    EXPECT_EQ(rb->status, 200);
    EXPECT_NE(ra->body.find(" one"), std::string::npos) << ra->body;
    EXPECT_NE(rb->body.find(" two"), std::string::npos) << rb->body;
    EXPECT_NE(ra->header("X-Pid"), rb->header("X-Pid"));
    EXPECT_EQ(rr_->wait_exit(kTimeout), 0) << rr_->err();
    rr_.reset();
}

}  // namespace
}  // namespace rr::e2e
