// The sendfile middleware end to end: X-Sendfile bodies, refusals, a 100 MiB file with rr's
// RSS measured during the transfer, and responses that keep streaming with sendfile listed.

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <fstream>

#include "e2e/middleware/middleware_fixture.h"

namespace rr::e2e {
namespace {

/// VmRSS of `pid` in KiB (0 if unreadable).
long vm_rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

/// Byte i of the big test file.
char pattern_at(std::uint64_t i) {
    return static_cast<char>((i * 131 + (i >> 12)) & 0xff);
}

class SendfileE2E : public MiddlewareE2E {
protected:
    std::string yaml() const { return "  middleware: [sendfile]\n"; }
};

TEST_F(SendfileE2E, XSendfileIsReplacedByTheFile) {
    write_file(dir_ / "files/report.txt", "the report body\n");
    ASSERT_NO_FATAL_FAILURE(start_with(yaml()));
    auto r = exchange(get("/sendfile?path=" + (dir_ / "files/report.txt").string()));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "the report body\n");
    EXPECT_FALSE(r->header("X-Sendfile"));
    EXPECT_EQ(r->header("Content-Type"), "application/x-test");
    EXPECT_EQ(r->header("Content-Length"), "16");

    auto missing = exchange(get("/sendfile?path=" + (dir_ / "files/none.txt").string()));
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->body, "not found\n");
    auto dots = exchange(get("/sendfile?path=" + (dir_ / "files/../files/report.txt").string()));
    EXPECT_EQ(dots->status, 403);
    ASSERT_TRUE(rr_->wait_for("x-sendfile refused", kTimeout, /*on_stderr=*/true));
}

TEST_F(SendfileE2E, HundredMebibytesWithFlatRss) {
    constexpr std::uint64_t kSize = 100ull * 1024 * 1024;
    {
        std::ofstream out(dir_ / "big.bin", std::ios::binary);
        std::string block(1 << 20, '\0');
        for (std::uint64_t off = 0; off < kSize; off += block.size()) {
            for (std::size_t i = 0; i < block.size(); ++i) block[i] = pattern_at(off + i);
            out.write(block.data(), static_cast<std::streamsize>(block.size()));
        }
    }
    ASSERT_NO_FATAL_FAILURE(start_with(yaml()));
    ASSERT_TRUE(exchange(get("/tiny")));  // warm: the worker and rr's buffers are in use
    const long baseline = vm_rss_kib(rr_->pid());
    ASSERT_GT(baseline, 0);

    RawClient c(port_);
    int rcvbuf = 256 * 1024;  // a modest window: rr's sendfile loop waits on a full socket
    ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    ASSERT_TRUE(c.send(get("/sendfile?path=" + (dir_ / "big.bin").string())));
    ASSERT_TRUE(c.read_until("\r\n\r\n", kTimeout));
    const std::string head = c.buffer().substr(0, c.buffer().find("\r\n\r\n") + 4);
    EXPECT_NE(head.find("Content-Length: " + std::to_string(kSize)), std::string::npos) << head;
    std::uint64_t got = c.buffer().size() - head.size();
    bool same = true;
    for (std::uint64_t i = 0; i < got; ++i)
        same = same && c.buffer()[head.size() + i] == pattern_at(i);
    long peak = baseline;
    std::vector<char> buf(64 * 1024);
    std::uint64_t next_sample = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (got < kSize && Clock::now() < deadline) {
        const ssize_t n = ::recv(c.fd(), buf.data(), buf.size(), 0);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n && same; ++i) same = buf[i] == pattern_at(got + i);
        got += static_cast<std::uint64_t>(n);
        if (got >= next_sample) {
            peak = std::max(peak, vm_rss_kib(rr_->pid()));
            next_sample = got + 4 * 1024 * 1024;
        }
        rr_->drain();
    }
    EXPECT_EQ(got, kSize);
    EXPECT_TRUE(same) << "body differs from the file";
    // Bounded: the file never passes through rr's memory (sendfile(2) from the page cache).
    EXPECT_LT(peak - baseline, 16 * 1024) << "rr RSS grew by " << (peak - baseline) << " KiB";
    std::cout << "[ INFO     ] rr VmRSS baseline " << baseline << " KiB, peak during 100 MiB "
              << peak << " KiB\n";
}

TEST_F(SendfileE2E, StreamsAndEarlyHintsStillPassThrough) {
    write_file(dir_ / "files/a.txt", "file-a\n");
    ASSERT_NO_FATAL_FAILURE(start_with(yaml()));
    const std::string fifo = make_fifo("gate");
    RawClient c(port_);
    ASSERT_TRUE(c.send(get("/stream?fifo=" + fifo)));
    // chunk-1 arrives while PHP still waits: nothing buffers the response.
    ASSERT_TRUE(c.read_until("chunk-1\n", kTimeout));
    release_fifo(fifo, "go");
    auto r = c.read_response(kTimeout);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "chunk-1\nchunk-2 go\n");

    RawClient h(port_);
    ASSERT_TRUE(h.send(get("/hints-sendfile?path=" + (dir_ / "files/a.txt").string())));
    auto early = h.read_response(kTimeout);
    ASSERT_TRUE(early);
    EXPECT_EQ(early->status, 103);
    auto final = h.read_response(kTimeout);
    ASSERT_TRUE(final);
    EXPECT_EQ(final->status, 200);
    EXPECT_EQ(final->body, "file-a\n");

    auto streamed = exchange(get("/sendfile-stream?path=" + (dir_ / "files/a.txt").string()));
    ASSERT_TRUE(streamed);
    EXPECT_EQ(streamed->body, "file-a\n");
    EXPECT_EQ(exchange(get("/tiny"))->body, "small");  // the worker finished its stream
}

}  // namespace
}  // namespace rr::e2e
