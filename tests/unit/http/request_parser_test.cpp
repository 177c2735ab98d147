#include "http/h1/request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace rr::http::h1 {
namespace {

using namespace std::string_literals;

struct Parsed {
    HeadParseResult result;
    RequestHead head;
};

Parsed parse(std::string_view text, std::size_t limit = 1024 * 1024) {
    Parsed p;
    p.result = parse_request_head(text, HeadLimits{limit}, p.head);
    return p;
}

int error_status(std::string_view text) {
    auto p = parse(text);
    EXPECT_EQ(p.result.status, HeadStatus::kError) << text;
    return p.result.http_status;
}

TEST(RequestParser, ParsesRequestLineAndFields) {
    std::string text =
        "GET /path?a=1 HTTP/1.1\r\nHost: example.com\r\nX-Foo:  bar \r\nAccept: */*\r\n\r\nNEXT";
    auto p = parse(text);
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_EQ(p.result.consumed, text.size() - 4);
    EXPECT_EQ(p.head.method, "GET");
    EXPECT_EQ(p.head.target, "/path?a=1");
    EXPECT_EQ(p.head.protocol(), "HTTP/1.1");
    EXPECT_EQ(p.head.host, "example.com");
    ASSERT_EQ(p.head.fields.size(), 3u);
    EXPECT_EQ(*p.head.fields.find("x-foo"), "bar");
    EXPECT_EQ(p.head.fields[1].name, "X-Foo");  // canonicalised at parse time, as Go does
    EXPECT_TRUE(p.head.keep_alive);
    EXPECT_EQ(p.head.framing, BodyFraming::kNone);
}

TEST(RequestParser, NeedsMoreUntilBlankLine) {
    auto p = parse("GET / HTTP/1.1\r\nHost: a\r\n");
    EXPECT_EQ(p.result.status, HeadStatus::kNeedMore);
    p = parse("GET / HTTP/1.1\r\nHost: a\r\n\r");
    EXPECT_EQ(p.result.status, HeadStatus::kNeedMore);
}

TEST(RequestParser, SkipsLeadingEmptyLines) {
    auto p = parse("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_EQ(p.result.consumed, 4u + 27u);
}

TEST(RequestParser, Http10KeepAliveRules) {
    auto p = parse("GET / HTTP/1.0\r\n\r\n");
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_FALSE(p.head.keep_alive);
    EXPECT_EQ(p.head.protocol(), "HTTP/1.0");
    p = parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_TRUE(p.head.keep_alive);
    p = parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_FALSE(p.head.keep_alive);
}

TEST(RequestParser, ContentLengthAndChunkedFraming) {
    auto p = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n");
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_EQ(p.head.framing, BodyFraming::kContentLength);
    EXPECT_EQ(p.head.content_length, 12u);
    p = parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n");
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_EQ(p.head.framing, BodyFraming::kChunked);
    // Identical repeats are accepted, as Go does.
    p = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\n");
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_EQ(p.head.content_length, 3u);
}

TEST(RequestParser, RefusesSmugglingVectors) {
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n"),
              400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                           "Content-Length: 3\r\n\r\n"),
              400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                           "Content-Length: 4\r\n\r\n"),
              400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\n"), 400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n"), 400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x3\r\n\r\n"), 400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n"), 400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\n"
                           "Content-Length: 99999999999999999999\r\n\r\n"),
              400);
    // obs-fold
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  continued\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), 400);
    // bare CR / bare LF
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r2\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost: a\nX-A: 1\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTP/1.1\rHost: a\r\n\r\n"), 400);
    EXPECT_EQ(error_status("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
    // Transfer-Encoding variants
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n"),
              400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\n"
                           "Transfer-Encoding: chunked, gzip\r\n\r\n"),
              400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\n"
                           "Transfer-Encoding: gzip, chunked\r\n\r\n"),
              400);
    EXPECT_EQ(error_status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
    EXPECT_EQ(error_status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), 501);
    // whitespace before the colon, empty name, control bytes
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"s), 400);
}

TEST(RequestParser, RefusesMalformedRequestLines) {
    EXPECT_EQ(error_status("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTP/1.1 \r\nHost: a\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET /\r\nHost: a\r\n\r\n"), 400);
    EXPECT_EQ(error_status("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTX/1.1\r\nHost: a\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET foo HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
}

TEST(RequestParser, HostRules) {
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
    EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), 400);
    auto p = parse("GET http://other.example/x HTTP/1.1\r\nHost: a\r\n\r\n");
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_EQ(p.head.target, "http://other.example/x");
    p = parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(p.result.status, HeadStatus::kComplete);
}

TEST(RequestParser, ExpectHandling) {
    auto p =
        parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n");
    ASSERT_EQ(p.result.status, HeadStatus::kComplete);
    EXPECT_TRUE(p.head.expect_continue);
    EXPECT_EQ(error_status("PUT / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n"), 417);
}

TEST(RequestParser, HeadSizeLimitGives431) {
    std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(2000, 'x');
    auto p = parse(big, 1024);
    EXPECT_EQ(p.result.status, HeadStatus::kError);
    EXPECT_EQ(p.result.http_status, 431);
    EXPECT_EQ(p.result.error, rr::errc::kHttpHeadersTooLarge);
    p = parse(big + "\r\n\r\n", 1024);
    EXPECT_EQ(p.result.http_status, 431);
    p = parse(big + "\r\n\r\n", 4096);
    EXPECT_EQ(p.result.status, HeadStatus::kComplete);
}

TEST(RequestParser, ScanHintGivesSameResult) {
    std::string text = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    for (std::size_t hint = 0; hint < text.size(); ++hint) {  // a shorter prefix was scanned
        RequestHead head;
        auto r = parse_request_head(text, HeadLimits{}, head, hint);
        EXPECT_EQ(r.status, HeadStatus::kComplete) << hint;
    }
}

}  // namespace
}  // namespace rr::http::h1
