// The gzip middleware: Accept-Encoding negotiation, compressible types, the three encoders
// (round trips through zlib, libbrotlidec and libzstd), and Compression with FakeWriter:
// what is compressed, headers, streaming flushed per chunk, file bodies and their cache.

#include <brotli/decode.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <array>
#include <string>

#include "config/config.h"
#include "plugins/gzip/coding.h"
#include "plugins/gzip/compression.h"
#include "plugins/gzip/config.h"
#include "plugins/gzip/encoder.h"
#include "support/fake_writer.h"
#include "support/temp_file.h"

namespace rr::plugins {
namespace {

using rr::test::FakeRequest;
using rr::test::FakeWriter;
using rr::test::RecordingApp;
using rr::test::run_sync;
using Kind = rr::test::WriterEvent::Kind;

constexpr std::array kAll = {Coding::kZstd, Coding::kBrotli, Coding::kGzip};

// ---------------------------------------------------------------------------------------------
// Decoders for the checks (streaming, so partial output can be checked too)

std::string gunzip(std::string_view in, bool allow_partial = false) {
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buf[65536];
    int rc = Z_OK;
    do {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_SYNC_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    } while (rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
    EXPECT_TRUE(rc == Z_STREAM_END || (allow_partial && (rc == Z_OK || rc == Z_BUF_ERROR))) << rc;
    inflateEnd(&z);
    return out;
}

std::string unbrotli(std::string_view in) {
    BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    std::string out;
    std::size_t avail_in = in.size();
    const auto* next_in = reinterpret_cast<const uint8_t*>(in.data());
    BrotliDecoderResult r;
    do {
        uint8_t buf[65536];
        std::size_t avail_out = sizeof buf;
        uint8_t* next_out = buf;
        r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
        out.append(reinterpret_cast<char*>(buf), sizeof buf - avail_out);
    } while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT);
    EXPECT_EQ(r, BROTLI_DECODER_RESULT_SUCCESS);
    BrotliDecoderDestroyInstance(s);
    return out;
}

std::string unzstd(std::string_view in) {
    ZSTD_DCtx* d = ZSTD_createDCtx();
    std::string out;
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    std::size_t rc = 0;
    while (input.pos < input.size) {
        char buf[65536];
        ZSTD_outBuffer output{buf, sizeof buf, 0};
        rc = ZSTD_decompressStream(d, &output, &input);
        EXPECT_FALSE(ZSTD_isError(rc));
        if (ZSTD_isError(rc)) break;
        out.append(buf, output.pos);
    }
    EXPECT_EQ(rc, 0u) << "frame not complete";
    ZSTD_freeDCtx(d);
    return out;
}

std::string decode(Coding c, std::string_view in) {
    switch (c) {
        case Coding::kGzip:
            return gunzip(in);
        case Coding::kBrotli:
            return unbrotli(in);
        case Coding::kZstd:
            return unzstd(in);
        case Coding::kIdentity:
            break;
    }
    return std::string(in);
}

std::string text(std::size_t n) {
    std::string s;
    while (s.size() < n) s += "{\"id\":" + std::to_string(s.size()) + ",\"name\":\"item\"},";
    s.resize(n);
    return s;
}

// ---------------------------------------------------------------------------------------------
// Pure parts

TEST(Negotiate, QValuesStarIdentityAndServerPreference) {
    EXPECT_EQ(negotiate_coding("gzip, deflate, br, zstd", kAll), Coding::kZstd);
    EXPECT_EQ(negotiate_coding("gzip, deflate, br", kAll), Coding::kBrotli);
    EXPECT_EQ(negotiate_coding("gzip", kAll), Coding::kGzip);
    EXPECT_EQ(negotiate_coding("x-gzip", kAll), Coding::kGzip);
    EXPECT_EQ(negotiate_coding("GZIP;Q=0.5, br;q=0.9", kAll), Coding::kBrotli);
    EXPECT_EQ(negotiate_coding("br;q=0, gzip;q=0.001", kAll), Coding::kGzip);
    EXPECT_EQ(negotiate_coding("*", kAll), Coding::kZstd);
    EXPECT_EQ(negotiate_coding("*;q=0.5, zstd;q=0", kAll), Coding::kBrotli);
    EXPECT_EQ(negotiate_coding("gzip;q=0, *", kAll), Coding::kZstd);
    EXPECT_EQ(negotiate_coding("identity;q=0, *;q=0", kAll), Coding::kIdentity);
    EXPECT_EQ(negotiate_coding("", kAll), Coding::kIdentity);
    EXPECT_EQ(negotiate_coding("deflate, compress", kAll), Coding::kIdentity);
    EXPECT_EQ(negotiate_coding("gzip;q=abc", kAll), Coding::kIdentity);  // malformed q = 0
    EXPECT_EQ(negotiate_coding("gzip;q=1.5", kAll), Coding::kIdentity);
    EXPECT_EQ(negotiate_coding(" , ;, gzip ; q = 0.8 ", kAll), Coding::kGzip);
    const std::array only_gzip = {Coding::kGzip};
    EXPECT_EQ(negotiate_coding("br, zstd", only_gzip), Coding::kIdentity);
}

TEST(Compressible, SkipsPackedMedia) {
    for (const char* t : {"text/html; charset=utf-8", "application/json", "image/svg+xml",
                          "text/css", "application/javascript", ""}) {
        EXPECT_TRUE(compressible_type(t)) << t;
    }
    for (const char* t : {"image/png", "image/jpeg", "video/mp4", "audio/mpeg", "font/woff2",
                          "application/zip", "application/x-gzip", "application/octet-stream",
                          "application/zstd", "multipart/byteranges; boundary=x"}) {
        EXPECT_FALSE(compressible_type(t)) << t;
    }
}

TEST(Encoders, RoundTripWholeAndFlushedPieces) {
    const std::string body = text(200000);
    for (Coding c : kAll) {
        SCOPED_TRACE(std::string(coding_token(c)));
        EncoderPool pool(6, 4, 3);
        auto e = pool.acquire(c);
        ASSERT_TRUE(e);
        std::string out;
        ASSERT_TRUE(compress_all(*e, body, out));
        EXPECT_LT(out.size(), body.size() / 3);
        EXPECT_EQ(decode(c, out), body);
        pool.release(c, std::move(e));
        // Reused after reset: pieces with flushes, then finish.
        auto again = pool.acquire(c);
        std::string streamed;
        ASSERT_TRUE(again->write(std::string_view(body).substr(0, 1000), streamed, Flush::kFlush));
        ASSERT_TRUE(again->write(std::string_view(body).substr(1000), streamed, Flush::kNone));
        ASSERT_TRUE(again->write({}, streamed, Flush::kFinish));
        EXPECT_EQ(decode(c, streamed), body);
    }
}

TEST(Encoders, GzipWholeBodiesAndStreamsAlternateOnOneEncoderAtEveryLevel) {
    // A whole body in one kFinish call takes the libdeflate path, anything else zlib's; one
    // encoder serves both in turn, and every output is one decodable gzip member.
    const std::string body = text(150000);
    for (int level = 1; level <= 9; ++level) {
        SCOPED_TRACE(level);
        auto e = make_encoder(Coding::kGzip, level);
        ASSERT_TRUE(e);
        for (int round = 0; round < 2; ++round) {
            std::string whole;
            ASSERT_TRUE(e->write(body, whole, Flush::kFinish));
            EXPECT_LT(whole.size(), body.size() / 3);
            EXPECT_EQ(gunzip(whole), body);
            ASSERT_TRUE(e->reset());
            std::string streamed;
            ASSERT_TRUE(e->write(std::string_view(body).substr(0, 7000), streamed, Flush::kFlush));
            ASSERT_TRUE(e->write(std::string_view(body).substr(7000), streamed, Flush::kFinish));
            EXPECT_EQ(gunzip(streamed), body);
            ASSERT_TRUE(e->reset());
        }
        std::string empty;
        ASSERT_TRUE(e->write({}, empty, Flush::kFinish));
        EXPECT_EQ(gunzip(empty), "");
        ASSERT_TRUE(e->reset());
        std::string appended = "prefix";
        ASSERT_TRUE(e->write(body, appended, Flush::kFinish));  // output is appended
        EXPECT_EQ(appended.substr(0, 6), "prefix");
        EXPECT_EQ(gunzip(std::string_view(appended).substr(6)), body);
    }
}

// ---------------------------------------------------------------------------------------------
// The middleware

std::shared_ptr<spdlog::logger> null_logger() {
    return std::make_shared<spdlog::logger>("gzip",
                                            std::make_shared<spdlog::sinks::null_sink_mt>());
}

class CompressionTest : public ::testing::Test {
protected:
    FakeWriter run(const std::string& accept, const std::string& method = "GET") {
        if (!mw_) mw_ = std::make_shared<Compression>(cfg_, null_logger());
        http::MiddlewareChain chain({mw_}, app_);
        http::Fields fields;
        if (!accept.empty()) fields.add("Accept-Encoding", accept);
        FakeRequest r(method, "/", fields);
        FakeWriter w;
        w.head_request = method == "HEAD";
        run_sync([&] { return chain.handle(r.request, w); });
        return w;
    }

    GzipConfig cfg_;
    std::shared_ptr<Compression> mw_;
    RecordingApp app_;
};

TEST_F(CompressionTest, CompressesALargeEnoughResponseWithTheNegotiatedCoding) {
    app_.body = text(5000);
    app_.headers = {{"Content-Type", "application/json"},
                    {"Etag", "\"v1\""},
                    {"Accept-Ranges", "bytes"},
                    {"Content-Length", "5000"}};
    for (Coding c : kAll) {
        const auto w = run(std::string(coding_token(c)));
        SCOPED_TRACE(std::string(coding_token(c)));
        EXPECT_EQ(w.status(), 200);
        EXPECT_EQ(w.header("Content-Encoding"), std::string(coding_token(c)));
        EXPECT_EQ(w.header("Vary"), "Accept-Encoding");
        EXPECT_EQ(w.header("Etag"), "W/\"v1\"");
        EXPECT_FALSE(w.header("Content-Length"));
        EXPECT_FALSE(w.header("Accept-Ranges"));
        EXPECT_EQ(w.header("Content-Type"), "application/json");
        EXPECT_EQ(decode(c, w.body()), app_.body);
    }
}

TEST_F(CompressionTest, LeavesAloneWhatShouldNotBeCompressedButAddsVary) {
    app_.body = text(5000);
    struct Case {
        const char* why;
        int status;
        http::Fields headers;
        std::string accept;
        std::string method;
    };
    const std::vector<Case> cases = {
        {"no Accept-Encoding", 200, {{"Content-Type", "text/plain"}}, "", "GET"},
        {"identity only", 200, {{"Content-Type", "text/plain"}}, "identity", "GET"},
        {"HEAD", 200, {{"Content-Type", "text/plain"}}, "gzip", "HEAD"},
        {"already encoded", 200, {{"Content-Encoding", "br"}}, "gzip", "GET"},
        {"a range", 206, {{"Content-Range", "bytes 0-4999/9000"}}, "gzip", "GET"},
        {"an image", 200, {{"Content-Type", "image/png"}}, "gzip", "GET"},
        {"no-transform", 200, {{"Cache-Control", "public, no-transform"}}, "gzip", "GET"},
    };
    for (const auto& c : cases) {
        app_.status = c.status;
        app_.headers = c.headers;
        const auto w = run(c.accept, c.method);
        const std::string* original = c.headers.find("Content-Encoding");
        EXPECT_EQ(w.header("Content-Encoding"),
                  original ? std::optional<std::string>(*original) : std::nullopt)
            << c.why;
        EXPECT_EQ(w.body(), c.method == "HEAD" ? std::string() : app_.body) << c.why;
        EXPECT_EQ(w.header("Vary"), "Accept-Encoding") << c.why;
    }
    app_.status = 200;
    app_.headers = {{"Content-Type", "text/plain"}, {"Vary", "Origin, accept-encoding"}};
    app_.body = "tiny";  // below min_size_bytes
    const auto small = run("gzip");
    EXPECT_FALSE(small.header("Content-Encoding"));
    EXPECT_EQ(small.body(), "tiny");
    EXPECT_EQ(small.headers().count("Vary"), 1u);  // already varies on it: not added twice
}

/// A handler that streams three chunks.
class StreamingApp final : public http::Handler {
public:
    std::vector<std::string> chunks = {"event: one\n\n", "event: two\n\n", "event: three\n\n"};
    boost::asio::awaitable<void> handle(http::Request&, http::ResponseWriter& w) override {
        const http::Fields head{{"Content-Type", "text/event-stream"}};
        co_await w.start_stream(200, head, chunks[0]);
        for (std::size_t i = 1; i < chunks.size(); ++i) co_await w.send_chunk(chunks[i]);
        co_await w.finish_stream(http::Fields{});
    }
};

TEST_F(CompressionTest, StreamsAreCompressedAndFlushedChunkByChunk) {
    mw_ = std::make_shared<Compression>(cfg_, null_logger());
    StreamingApp app;
    http::MiddlewareChain chain({mw_}, app);
    FakeRequest r("GET", "/", {{"Accept-Encoding", "gzip"}});
    FakeWriter w;
    run_sync([&] { return chain.handle(r.request, w); });
    EXPECT_EQ(w.header("Content-Encoding"), "gzip");
    // Each piece on the wire decodes to everything sent so far (a sync flush per chunk).
    std::string wire;
    std::string expected;
    std::size_t chunk = 0;
    for (const auto& e : w.events) {
        if (e.kind == Kind::kFinish) break;
        wire += e.body;
        if (e.kind == Kind::kStreamStart || chunk < app.chunks.size()) {
            if (chunk < app.chunks.size()) expected += app.chunks[chunk++];
            EXPECT_EQ(gunzip(wire, /*allow_partial=*/true), expected);
        }
    }
    EXPECT_EQ(gunzip(w.body()), app.chunks[0] + app.chunks[1] + app.chunks[2]);
    EXPECT_TRUE(w.complete());
}

using ::rr::test::TempFile;

/// Answers with send_file of `fd` (as the static middleware does).
class FileApp final : public http::Handler {
public:
    int fd = -1;
    std::uint64_t length = 0;
    boost::asio::awaitable<void> handle(http::Request&, http::ResponseWriter& w) override {
        const http::Fields head{{"Content-Type", "application/json"}, {"Etag", "\"5-1\""}};
        co_await w.send_file(200, head, http::FileRange{fd, 0, length});
    }
};

TEST_F(CompressionTest, SmallFilesAreCompressedOnceThenServedFromTheCache) {
    const std::string body = text(100 * 1024);
    TempFile file(body);
    mw_ = std::make_shared<Compression>(cfg_, null_logger());
    FileApp app;
    app.fd = file.fd();
    app.length = body.size();
    http::MiddlewareChain chain({mw_}, app);
    for (int i = 0; i < 3; ++i) {
        FakeRequest r("GET", "/", {{"Accept-Encoding", "gzip"}});
        FakeWriter w;
        run_sync([&] { return chain.handle(r.request, w); });
        EXPECT_EQ(w.header("Content-Encoding"), "gzip");
        EXPECT_EQ(w.header("Etag"), "W/\"5-1\"");
        EXPECT_EQ(gunzip(w.body()), body);
    }
    EXPECT_EQ(mw_->cache().misses(), 1u);
    EXPECT_EQ(mw_->cache().hits(), 2u);
    // Another coding is another entry; a client without compression gets the file itself.
    FakeRequest r("GET", "/", {{"Accept-Encoding", "identity"}});
    FakeWriter plain;
    run_sync([&] { return chain.handle(r.request, plain); });
    EXPECT_EQ(plain.final_head()->kind, Kind::kFile);
    EXPECT_EQ(plain.body(), body);
}

TEST_F(CompressionTest, LargeFilesAreCompressedWhileReading) {
    const std::string body = text(Compression::kCacheableFile + 300000);
    TempFile file(body);
    mw_ = std::make_shared<Compression>(cfg_, null_logger());
    FileApp app;
    app.fd = file.fd();
    app.length = body.size();
    http::MiddlewareChain chain({mw_}, app);
    FakeRequest r("GET", "/", {{"Accept-Encoding", "zstd"}});
    FakeWriter w;
    run_sync([&] { return chain.handle(r.request, w); });
    EXPECT_EQ(w.header("Content-Encoding"), "zstd");
    EXPECT_GT(w.count(Kind::kChunk), 1u);
    EXPECT_EQ(unzstd(w.body()), body);
    EXPECT_EQ(mw_->cache().bytes(), 0u);
}

// ---------------------------------------------------------------------------------------------
// Config

GzipConfig decode_text(const std::string& yaml, config::Warnings& warnings) {
    const config::Config doc = config::parse_string(
        "version: '3'\nserver:\n  command: php w.php\nhttp:\n  gzip:\n" + yaml);
    const config::DecodeContext ctx{"", &warnings};
    return decode_gzip_config(doc.section("http")->find_nocase("gzip"), "http.gzip", ctx);
}

std::string error_of(const std::string& yaml) {
    config::Warnings w;
    try {
        (void)decode_text(yaml, w);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

TEST(GzipConfig, DefaultsKeysAndErrors) {
    const config::DecodeContext ctx{"", nullptr};
    const GzipConfig d = decode_gzip_config(nullptr, "http.gzip", ctx);
    EXPECT_EQ(d.level, 6);
    EXPECT_EQ(d.min_size_bytes, 1024u);
    EXPECT_EQ(d.encodings, (std::vector<Coding>{Coding::kZstd, Coding::kBrotli, Coding::kGzip}));
    config::Warnings warnings;
    const GzipConfig c = decode_text(
        "    level: 9\n    min_size_bytes: 0\n    brotli_level: 11\n    zstd_level: 19\n"
        "    encodings: [gzip, br]\n    cache_mb: 0\n    extra: 1\n",
        warnings);
    EXPECT_EQ(c.level, 9);
    EXPECT_EQ(c.min_size_bytes, 0u);
    EXPECT_EQ(c.brotli_level, 11);
    EXPECT_EQ(c.zstd_level, 19);
    EXPECT_EQ(c.cache_mb, 0u);
    EXPECT_EQ(c.encodings, (std::vector<Coding>{Coding::kGzip, Coding::kBrotli}));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("http.gzip.extra"), std::string::npos);
    EXPECT_EQ(error_of("    level: 0\n"),
              "http.gzip.level: expected an integer between 1 and 9, got \"0\"");
    EXPECT_EQ(error_of("    encodings: [gzip, deflate]\n"),
              "http.gzip.encodings: unknown encoding \"deflate\" (expected gzip, br or zstd)");
}

}  // namespace
}  // namespace rr::plugins
