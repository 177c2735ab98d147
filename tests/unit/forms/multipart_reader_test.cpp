#include "forms/multipart_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace rr::forms {
namespace {

// Records parts as "[disposition|type]data;" so chunking differences cannot hide.
class RecordingSink final : public MultipartSink {
public:
    boost::system::error_code on_part_begin(const PartHeaders& h) override {
        log += "[" + h.content_disposition + "|" + h.content_type + "]";
        return {};
    }
    boost::system::error_code on_part_data(std::string_view data) override {
        EXPECT_FALSE(data.empty());
        log.append(data);
        max_span = std::max(max_span, data.size());
        return {};
    }
    boost::system::error_code on_part_end() override {
        log += ";";
        return {};
    }
    std::string log;
    std::size_t max_span = 0;
};

struct Outcome {
    std::string log;
    boost::system::error_code error;
};

// Feeds `body` cut at the given sizes (the rest in one piece) and finishes.
Outcome run(std::string_view body, const std::vector<std::size_t>& cuts,
            std::string_view boundary = "XyZ", MultipartLimits limits = {}) {
    RecordingSink sink;
    MultipartReader reader(boundary, limits, sink);
    boost::system::error_code ec;
    std::size_t pos = 0;
    for (std::size_t n : cuts) {
        if (ec || pos >= body.size()) {
            break;
        }
        n = std::min(n, body.size() - pos);
        ec = reader.feed(body.substr(pos, n));
        pos += n;
    }
    if (!ec && pos < body.size()) {
        ec = reader.feed(body.substr(pos));
    }
    if (!ec) {
        ec = reader.finish();
    }
    return {sink.log, ec};
}

Outcome run_whole(std::string_view body, std::string_view boundary = "XyZ") {
    return run(body, {}, boundary);
}

const std::string kBody =
    "preamble line\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"a\"\r\n"
    "\r\n"
    "hello\r\n--XyZ-not-a-boundary\r\n"
    "--XyZ  \t\r\n"
    "content-type: text/plain\r\n"
    "Content-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n"
    "\r\n"
    "\r\n\r\n--XyZ\r\n"
    "Content-Disposition: form-data; name=\"empty\"\r\n"
    "\r\n"
    "\r\n--XyZ--\r\n"
    "epilogue --XyZ\r\n";

const std::string kExpected =
    "[form-data; name=\"a\"|]hello\r\n--XyZ-not-a-boundary;"
    "[form-data; name=\"f\"; filename=\"x.txt\"|text/plain]\r\n;"
    "[form-data; name=\"empty\"|];";

TEST(MultipartReader, ParsesPartsPreambleAndEpilogueInOneChunk) {
    const Outcome o = run_whole(kBody);
    EXPECT_FALSE(o.error) << o.error.message();
    EXPECT_EQ(o.log, kExpected);
}

TEST(MultipartReader, SameResultByteByByte) {
    const Outcome o = run(kBody, std::vector<std::size_t>(kBody.size(), 1));
    EXPECT_FALSE(o.error) << o.error.message();
    EXPECT_EQ(o.log, kExpected);
}

TEST(MultipartReader, SameResultForEverySplitPoint) {
    for (std::size_t cut = 0; cut <= kBody.size(); ++cut) {
        const Outcome o = run(kBody, {cut});
        EXPECT_FALSE(o.error) << "cut " << cut;
        EXPECT_EQ(o.log, kExpected) << "cut " << cut;
    }
}

TEST(MultipartReader, SameResultForRandomChunking) {
    std::mt19937 rng(1234);
    for (int round = 0; round < 200; ++round) {
        std::vector<std::size_t> cuts;
        for (std::size_t total = 0; total < kBody.size();) {
            const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 9)(rng);
            cuts.push_back(n);
            total += n;
        }
        const Outcome o = run(kBody, cuts);
        EXPECT_FALSE(o.error);
        EXPECT_EQ(o.log, kExpected) << "round " << round;
    }
}

TEST(MultipartReader, BoundaryLikeBytesInsideBinaryDataAreData) {
    std::string data;
    for (int i = 0; i < 3000; ++i) {
        data += static_cast<char>(i * 7);
        if (i % 97 == 0) {
            data += "\r\n--XyZ";
            data += static_cast<char>('a' + i % 26);
        }
        if (i % 101 == 0) {
            data += "\r\n--Xy";
        }
    }
    const std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"bin\"\r\n\r\n" + data + "\r\n--XyZ--";
    const std::string expected = "[form-data; name=\"bin\"|]" + data + ";";
    EXPECT_EQ(run_whole(body).log, expected);
    EXPECT_EQ(run(body, std::vector<std::size_t>(body.size(), 1)).log, expected);
    EXPECT_EQ(run(body, std::vector<std::size_t>(body.size(), 7)).log, expected);
}

TEST(MultipartReader, MemoryStaysBoundedWhileStreamingALargePart) {
    RecordingSink sink;
    MultipartReader reader("XyZ", {}, sink);
    ASSERT_FALSE(reader.feed("--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n"));
    const std::string chunk(4096, 'x');
    std::size_t max_buffered = 0;
    for (int i = 0; i < 1000; ++i) {
        ASSERT_FALSE(reader.feed(chunk));
        ASSERT_FALSE(reader.feed("\r\n--Xy"));  // ends in a partial delimiter each time
        max_buffered = std::max(max_buffered, reader.buffered());
    }
    ASSERT_FALSE(reader.feed("Z--"));
    EXPECT_FALSE(reader.finish());
    EXPECT_LE(max_buffered, std::string_view("\r\n--XyZ").size() + 1);
    EXPECT_LE(sink.max_span, 64u * 1024 + 16);
}

TEST(MultipartReader, AcceptsLfOnlyLineEnds) {
    const std::string body =
        "--b\nContent-Disposition: form-data; name=\"a\"\n\nv1\n--b\n"
        "Content-Disposition: form-data; name=\"c\"\n\nv2\r\n--b--\n";
    const Outcome o = run_whole(body, "b");
    EXPECT_FALSE(o.error);
    EXPECT_EQ(o.log, "[form-data; name=\"a\"|]v1;[form-data; name=\"c\"|]v2\r;");
}

TEST(MultipartReader, EmptyPartBodyRightAfterHeaders) {
    const std::string body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--b--";
    const Outcome o = run_whole(body, "b");
    EXPECT_FALSE(o.error);
    EXPECT_EQ(o.log, "[form-data; name=\"a\"|];");
}

TEST(MultipartReader, FoldsContinuationLinesAndKeepsFirstHeader) {
    const std::string body =
        "--b\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\nX-Other: 1\r\n"
        "Content-Type: text/a\r\nContent-Type: text/b\r\n\r\nv\r\n--b--";
    const Outcome o = run_whole(body, "b");
    EXPECT_FALSE(o.error);
    EXPECT_EQ(o.log, "[form-data; name=\"a\"|text/a]v;");
}

TEST(MultipartReader, ClosingBoundaryInPreambleMeansNoParts) {
    const Outcome o = run_whole("--b--\r\n", "b");
    EXPECT_FALSE(o.error);
    EXPECT_EQ(o.log, "");
}

TEST(MultipartReader, PreambleLinesThatOnlyStartWithTheBoundaryAreSkipped) {
    const Outcome o = run_whole("--bX\r\n--b\r\n\r\nv\r\n--b--", "b");
    EXPECT_FALSE(o.error);
    EXPECT_EQ(o.log, "[|]v;");
}

TEST(MultipartReader, TruncatedBodiesFail) {
    const auto truncated = make_error_code(errc::kFormTruncated);
    EXPECT_EQ(run_whole("", "b").error, truncated);
    EXPECT_EQ(run_whole("no boundary at all", "b").error, truncated);
    EXPECT_EQ(run_whole("--b\r\nContent-Disposition: form-data; name=a\r\n", "b").error, truncated);
    EXPECT_EQ(run_whole("--b\r\n\r\npartial body", "b").error, truncated);
    EXPECT_EQ(run_whole("--b\r\n\r\nv\r\n--b", "b").error, truncated);
    EXPECT_EQ(run_whole("--b\r\n\r\nv\r\n--b\r\n", "b").error, truncated);
}

TEST(MultipartReader, MalformedInputFails) {
    const auto malformed = make_error_code(errc::kFormMalformed);
    EXPECT_EQ(run_whole("--b\r\nno colon here\r\n\r\nv\r\n--b--", "b").error, malformed);
    EXPECT_EQ(run_whole("--b\r\n: empty name\r\n\r\nv\r\n--b--", "b").error, malformed);
    EXPECT_EQ(run_whole("--b\r\nBad\x01Name: v\r\n\r\nv\r\n--b--", "b").error, malformed);
    EXPECT_EQ(run_whole("--b\r\n folded first\r\n\r\nv\r\n--b--", "b").error, malformed);
    EXPECT_EQ(run_whole("--b\r\n\r\nv\r\n--b x\r\n", "b").error, malformed);
    EXPECT_EQ(run_whole("--b\r\n\r\nv\r\n--b\n\r\n\r\n--b--", "b").error, malformed);
}

TEST(MultipartReader, HeaderBlockLimit) {
    MultipartLimits limits;
    limits.max_header_bytes = 64;
    const std::string ok = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b--";
    EXPECT_FALSE(run(ok, {}, "b", limits).error);
    const std::string big = "--b\r\nX-Pad: " + std::string(100, 'p') + "\r\n\r\nv\r\n--b--";
    EXPECT_EQ(run(big, {}, "b", limits).error, make_error_code(errc::kFormTooLarge));
    // Without a line end the limit still applies (bounded buffering).
    const std::string endless = "--b\r\nX-Pad: " + std::string(1000, 'p');
    EXPECT_EQ(run(endless, std::vector<std::size_t>(endless.size(), 10), "b", limits).error,
              make_error_code(errc::kFormTooLarge));
}

TEST(MultipartReader, PartCountLimit) {
    MultipartLimits limits;
    limits.max_parts = 2;
    std::string body;
    for (int i = 0; i < 3; ++i) {
        body += "--b\r\n\r\nv\r\n";
    }
    EXPECT_EQ(run(body + "--b--", {}, "b", limits).error, make_error_code(errc::kFormTooLarge));
    EXPECT_FALSE(run("--b\r\n\r\nv\r\n--b\r\n\r\nw\r\n--b--", {}, "b", limits).error);
}

TEST(MultipartReader, ErrorsAreSticky) {
    RecordingSink sink;
    MultipartReader reader("b", {}, sink);
    const auto ec = reader.feed("--b\r\nbroken\r\n");
    EXPECT_EQ(ec, make_error_code(errc::kFormMalformed));
    EXPECT_EQ(reader.feed("more"), ec);
    EXPECT_EQ(reader.finish(), ec);
}

}  // namespace
}  // namespace rr::forms
