#include "http/h1/chunked.h"

#include <gtest/gtest.h>

#include <string>

namespace rr::http::h1 {
namespace {

struct Decoded {
    std::string body;
    bool done = false;
    bool error = false;
};

/// Feeds `in` in pieces of `step` bytes, as a socket would deliver it.
Decoded decode(std::string_view in, std::size_t step = 1 << 20) {
    ChunkedDecoder d;
    Decoded out;
    std::string pending;
    std::size_t pos = 0;
    for (;;) {
        std::string_view view = pending;
        for (;;) {
            auto s = d.next(view);
            if (s.error != rr::errc::kOk) {
                out.error = true;
                return out;
            }
            out.body.append(s.data);
            view.remove_prefix(s.consumed);
            if (s.done) {
                out.done = true;
                return out;
            }
            if (s.data.empty()) break;  // everything consumed, more input needed
        }
        pending.assign(view);
        if (pos >= in.size()) return out;
        auto n = std::min(step, in.size() - pos);
        pending.append(in.substr(pos, n));
        pos += n;
    }
}

TEST(ChunkedDecoder, DecodesChunksExtensionsAndTrailers) {
    std::string in = "5\r\nhello\r\n6;ext=1\r\n world\r\nA \r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n";
    for (std::size_t step : {1u, 2u, 3u, 7u, 1000u}) {
        auto d = decode(in, step);
        EXPECT_FALSE(d.error) << step;
        EXPECT_TRUE(d.done) << step;
        EXPECT_EQ(d.body, "hello world0123456789") << step;
    }
}

TEST(ChunkedDecoder, StopsAtEndOfBody) {
    ChunkedDecoder d;
    std::string in = "1\r\na\r\n0\r\n\r\nGET / HTTP/1.1\r\n";
    std::string_view v = in;
    std::string body;
    for (;;) {
        auto s = d.next(v);
        ASSERT_EQ(s.error, rr::errc::kOk);
        body.append(s.data);
        v.remove_prefix(s.consumed);
        if (s.done) break;
    }
    EXPECT_EQ(body, "a");
    EXPECT_EQ(v, "GET / HTTP/1.1\r\n");
}

TEST(ChunkedDecoder, RefusesBadFraming) {
    EXPECT_TRUE(decode("zz\r\nhello\r\n0\r\n\r\n").error);       // not hex
    EXPECT_TRUE(decode("\r\nhello\r\n0\r\n\r\n").error);         // empty size
    EXPECT_TRUE(decode("-5\r\nhello\r\n0\r\n\r\n").error);       // sign
    EXPECT_TRUE(decode("0x5\r\nhello\r\n0\r\n\r\n").error);      // 0x prefix
    EXPECT_TRUE(decode("11111111111111111\r\n").error);          // 17 digits: overflow
    EXPECT_TRUE(decode("5\nhello\r\n0\r\n\r\n").error);          // bare LF
    EXPECT_TRUE(decode("5\rhello\r\n0\r\n\r\n").error);          // bare CR
    EXPECT_TRUE(decode("5\r\nhelloXX0\r\n\r\n").error);          // data not followed by CRLF
    EXPECT_TRUE(decode("5;a\x01\r\nhello\r\n0\r\n\r\n").error);  // CTL in extension
    EXPECT_TRUE(decode("0\r\nX: 1\r\n folded\r\n\r\n").error);   // obs-fold in trailer
    EXPECT_TRUE(decode("0\r\nX: 1\n\r\n").error);                // bare LF in trailer
    EXPECT_TRUE(decode("5 x\r\nhello\r\n0\r\n\r\n").error);      // junk after size
}

TEST(ChunkedDecoder, ReportsPendingChunkSize) {
    ChunkedDecoder d;
    auto s = d.next("ffff\r\n");
    EXPECT_EQ(s.consumed, 6u);
    EXPECT_TRUE(s.data.empty());
    EXPECT_EQ(d.pending_chunk_bytes(), 0xffffu);
}

}  // namespace
}  // namespace rr::http::h1
