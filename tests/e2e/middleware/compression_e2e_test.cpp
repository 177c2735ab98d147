// The gzip middleware end to end: bodies decoded by real clients (curl --compressed, Python's
// zlib / brotli / zstandard) equal the originals, streams stay chunk by chunk when compressed,
// and what must not be compressed is not.

#include <gtest/gtest.h>
#include <zlib.h>

#include "e2e/middleware/middleware_fixture.h"

namespace rr::e2e {
namespace {

/// Inflates a gzip stream that may be incomplete (a flushed prefix).
std::string gunzip_prefix(const std::string& in) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) return "<init failed>";
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buf[65536];
    int rc;
    do {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_SYNC_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    } while (rc == Z_OK && z.avail_in > 0);
    inflateEnd(&z);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return "<inflate error>";
    return out;
}

class CompressionE2E : public MiddlewareE2E {
protected:
    void SetUp() override {
        MiddlewareE2E::SetUp();
        data_ = json_text(100 * 1024);
        write_file(public_dir() / "data.json", data_);
        write_file(public_dir() / "logo.png", std::string(4096, 'x'));
    }
    /// static inside gzip: `middleware: [static, gzip]` (the last listed is outermost).
    std::string yaml(const std::string& order = "static, gzip") const {
        return "  middleware: [" + order + "]\n  static:\n    dir: \"" + public_dir().string() +
               "\"\n";
    }
    std::string data_;
};

TEST_F(CompressionE2E, CurlDecodesEveryCodingToTheOriginal) {
    ASSERT_NO_FATAL_FAILURE(start_with(yaml()));
    const std::string orig = (public_dir() / "data.json").string();
    for (const std::string coding : {"gzip", "br", "zstd"}) {
        const std::string out = (dir_ / ("out." + coding)).string();
        const std::string head = (dir_ / ("head." + coding)).string();
        auto r = run_command("curl -sS --max-time 20 --compressed -H 'Accept-Encoding: " + coding +
                             "' -D " + head + " -o " + out + " " + url("/data.json"));
        ASSERT_EQ(r.status, 0) << r.output;
        const auto headers = run_command("cat " + head).output;
        EXPECT_NE(headers.find("Content-Encoding: " + coding), std::string::npos) << headers;
        EXPECT_NE(headers.find("Vary: Accept-Encoding"), std::string::npos) << headers;
        EXPECT_EQ(run_command("cmp " + out + " " + orig).status, 0) << coding << " body differs";
    }
    // Without a preference curl offers all it knows; rr picks its first offered one (zstd).
    const auto any = run_command(
        "curl -sS --max-time 20 --compressed -o /dev/null -w "
        "'%{size_download} %header{content-encoding}' " +
        url("/data.json"));
    EXPECT_NE(any.output.find("zstd"), std::string::npos) << any.output;
}

TEST_F(CompressionE2E, PythonDecodesEveryCodingToTheOriginal) {
    ASSERT_NO_FATAL_FAILURE(start_with(yaml()));
    struct Codec {
        std::string coding;
        std::string module;
        std::string decode;  // python expression over `raw`
    };
    const std::vector<Codec> codecs = {
        {"gzip", "zlib", "zlib.decompress(raw, 31)"},
        {"br", "brotli", "brotli.decompress(raw)"},
        {"zstd", "zstandard", "zstandard.ZstdDecompressor().decompressobj().decompress(raw)"},
    };
    for (const auto& c : codecs) {
        if (!python_has(c.module)) {
            std::cout << "[  SKIPPED ] python3 module " << c.module << " is missing\n";
            continue;
        }
        for (const std::string target : {"/data.json", "/json?size=60000"}) {
            auto r = exchange(get(target, "Accept-Encoding: " + c.coding + "\r\n"));
            ASSERT_TRUE(r);
            EXPECT_EQ(r->header("Content-Encoding"), c.coding) << target;
            EXPECT_FALSE(r->header("Content-Length") && r->chunked);
            const std::string raw_path = (dir_ / ("raw." + c.coding)).string();
            write_file(raw_path, r->body);
            auto identity = exchange(get(target));
            ASSERT_TRUE(identity);
            EXPECT_FALSE(identity->header("Content-Encoding"));
            const std::string plain_path = (dir_ / ("plain." + c.coding)).string();
            write_file(plain_path, identity->body);
            const std::string script = "import sys, " + c.module + "; raw = open('" + raw_path +
                                       "','rb').read(); out = " + c.decode +
                                       "; sys.exit(0 if out == open('" + plain_path +
                                       "','rb').read() else 1)";
            auto py = run_command(python3() + " -c \"" + script + "\"");
            EXPECT_EQ(py.status, 0) << c.coding << " " << target << ": " << py.output;
            EXPECT_LT(r->body.size(), identity->body.size() / 2) << c.coding << " " << target;
        }
    }
}

TEST_F(CompressionE2E, StreamsStayChunkByChunkWhenCompressed) {
    ASSERT_NO_FATAL_FAILURE(start_with(yaml()));
    const std::string fifo = make_fifo("gate");
    RawClient c(port_);
    ASSERT_TRUE(c.send(get("/stream?fifo=" + fifo, "Accept-Encoding: gzip\r\n")));
    // The first chunk arrives (and decodes) while PHP still waits on the FIFO.
    ASSERT_TRUE(c.read_until("\r\n\r\n", kTimeout));
    const std::string buf = c.buffer();
    const std::size_t head_end = buf.find("\r\n\r\n");
    EXPECT_NE(buf.substr(0, head_end).find("Content-Encoding: gzip"), std::string::npos);
    EXPECT_NE(buf.substr(0, head_end).find("Transfer-Encoding: chunked"), std::string::npos);
    std::size_t pos = head_end + 4;
    std::string compressed;
    auto deadline = Clock::now() + kTimeout;
    while (gunzip_prefix(compressed) != "chunk-1\n") {
        const std::string& b = c.buffer();
        const std::size_t eol = b.find("\r\n", pos);
        if (eol != std::string::npos) {
            const std::size_t size = std::stoul(b.substr(pos, eol - pos), nullptr, 16);
            if (b.size() >= eol + 2 + size + 2) {
                compressed += b.substr(eol + 2, size);
                pos = eol + 2 + size + 2;
                continue;
            }
        }
        ASSERT_TRUE(c.read_more(deadline))
            << "first chunk never decoded: " << gunzip_prefix(compressed);
    }
    release_fifo(fifo, "go");
    ASSERT_TRUE(c.read_until("\r\n0\r\n\r\n", kTimeout));
    const std::string& b = c.buffer();
    while (true) {
        const std::size_t eol = b.find("\r\n", pos);
        const std::size_t size = std::stoul(b.substr(pos, eol - pos), nullptr, 16);
        if (size == 0) break;
        compressed += b.substr(eol + 2, size);
        pos = eol + 2 + size + 2;
    }
    EXPECT_EQ(gunzip_prefix(compressed), "chunk-1\nchunk-2 go\n");
}

TEST_F(CompressionE2E, WhatMustNotBeCompressedIsNot) {
    ASSERT_NO_FATAL_FAILURE(start_with(yaml()));
    auto tiny = exchange(get("/tiny", "Accept-Encoding: gzip\r\n"));
    ASSERT_TRUE(tiny);
    EXPECT_FALSE(tiny->header("Content-Encoding"));
    EXPECT_EQ(tiny->header("Vary"), "Accept-Encoding");
    EXPECT_EQ(tiny->body, "small");
    auto png = exchange(get("/logo.png", "Accept-Encoding: gzip\r\n"));
    EXPECT_FALSE(png->header("Content-Encoding"));
    auto range = exchange(get("/data.json", "Accept-Encoding: gzip\r\nRange: bytes=0-99\r\n"));
    EXPECT_EQ(range->status, 206);
    EXPECT_FALSE(range->header("Content-Encoding"));
    EXPECT_EQ(range->body, data_.substr(0, 100));
    RawClient head(port_);
    head.send("HEAD /data.json HTTP/1.1\r\nHost: " + host() + "\r\nAccept-Encoding: gzip\r\n\r\n");
    auto h = head.read_response(kTimeout, /*head_only=*/true);
    ASSERT_TRUE(h);
    EXPECT_FALSE(h->header("Content-Encoding"));
    auto refused = exchange(get("/data.json", "Accept-Encoding: gzip;q=0, identity\r\n"));
    EXPECT_FALSE(refused->header("Content-Encoding"));
    EXPECT_EQ(refused->body, data_);
}

TEST_F(CompressionE2E, OrderDecidesWhetherStaticFilesAreCompressed) {
    // static listed last = outermost: it answers before gzip ever sees the request.
    ASSERT_NO_FATAL_FAILURE(start_with(yaml("gzip, static")));
    auto file = exchange(get("/data.json", "Accept-Encoding: gzip\r\n"));
    ASSERT_TRUE(file);
    EXPECT_FALSE(file->header("Content-Encoding"));
    EXPECT_EQ(file->body, data_);
    auto php = exchange(get("/json?size=50000", "Accept-Encoding: gzip\r\n"));
    EXPECT_EQ(php->header("Content-Encoding"), "gzip");
}

}  // namespace
}  // namespace rr::e2e
