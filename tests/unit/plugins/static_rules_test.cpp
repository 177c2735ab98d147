// The static middleware's pure rules: path mapping and its safety checks, Range parsing (Go's
// parseRange vectors), conditional requests (Go's checkPreconditions), HTTP dates, content
// types and upstream's ETag CRC.

#include <gtest/gtest.h>

#include <string>

#include "plugins/static/conditional.h"
#include "plugins/static/etag.h"
#include "plugins/static/mime.h"
#include "plugins/static/path.h"

namespace rr::plugins {
namespace {

// ---------------------------------------------------------------------------------------------
// Paths

StaticPath P(std::string_view target) {
    return resolve_static_path(target);
}

TEST(StaticPath, MapsTheDecodedPathToARelativeFile) {
    auto p = P("/css/site.CSS?v=3#top");
    ASSERT_EQ(p.verdict, PathVerdict::kFile);
    EXPECT_EQ(p.relative, "css/site.CSS");
    EXPECT_EQ(p.extension, ".css");
    EXPECT_EQ(P("//a//./b.js").relative, "a/b.js");
    EXPECT_EQ(P("/a%20b.txt").relative, "a b.txt");
    EXPECT_EQ(P("/a%2Fb.txt").relative, "a/b.txt");  // as Go's r.URL.Path
    EXPECT_EQ(P("http://example.com/x/y.png?q").relative, "x/y.png");
    EXPECT_EQ(P("/.htaccess").extension, ".htaccess");
    EXPECT_EQ(P("/a.css%0d%0a").relative, "a.css");  // CR/LF dropped, as upstream
}

TEST(StaticPath, DotDotAnywhereIsForbiddenInEveryEncoding) {
    for (const char* t :
         {"/../etc/passwd.txt", "/a/../../b.css", "/%2e%2e/x.css", "/%2E%2E%2Fx.css", "/.%2e/x.css",
          "/a..b.css", "/x/..", "http://h/../a.css",
          // found by fuzz/middleware: CR/LF removal must not rebuild ".."
          "/.%0d./secret.txt", "/.%0a%0d./x.css"}) {
        EXPECT_EQ(P(t).verdict, PathVerdict::kForbidden) << t;
    }
}

TEST(StaticPath, DoubleEncodingIsDecodedOnceAndStaysLiteral) {
    auto p = P("/%252e%252e/%252e%252e/etc/passwd.txt");
    ASSERT_EQ(p.verdict, PathVerdict::kFile);
    EXPECT_EQ(p.relative, "%2e%2e/%2e%2e/etc/passwd.txt");  // a file literally named so
}

TEST(StaticPath, OtherUnservableTargetsPassOn) {
    for (const char* t : {"/", "/dir/", "/noext", "/a.b/c", "/a%00.css", "/bad%zz.css", "*",
                          "example.com:443", "/x/.", ""}) {
        EXPECT_EQ(P(t).verdict, PathVerdict::kPass) << t;
    }
    EXPECT_EQ(P("/a\\b.css").relative, "a\\b.css");  // a backslash is a plain name byte
}

TEST(ExtensionRules, ForbidWinsAndAllowRestricts) {
    ExtensionRules open({".php"}, {});
    EXPECT_TRUE(open.allowed(".css"));
    EXPECT_FALSE(open.allowed(".php"));
    ExtensionRules strict({".php"}, {".css", ".php", ""});
    EXPECT_TRUE(strict.allowed(".css"));
    EXPECT_FALSE(strict.allowed(".php"));
    EXPECT_FALSE(strict.allowed(".js"));
}

// ---------------------------------------------------------------------------------------------
// Ranges

struct RangeCase {
    const char* header;
    std::uint64_t size;
    RangeStatus status;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
};

TEST(ParseRange, GoVectors) {
    const std::vector<RangeCase> cases = {
        {"foo", 10, RangeStatus::kInvalid, {}},
        {"bytes=7", 10, RangeStatus::kInvalid, {}},
        {"bytes= 7 ", 10, RangeStatus::kInvalid, {}},
        {"bytes=1-", 0, RangeStatus::kNoOverlap, {}},
        {"bytes=5-4", 10, RangeStatus::kInvalid, {}},
        {"bytes=0-2,5-4", 10, RangeStatus::kInvalid, {}},
        {"bytes=--5,4--3", 10, RangeStatus::kInvalid, {}},
        {"bytes=A-", 10, RangeStatus::kInvalid, {}},
        {"bytes=5-Z", 10, RangeStatus::kInvalid, {}},
        {"bytes=0x01-0x02", 10, RangeStatus::kInvalid, {}},
        {"bytes=         ", 10, RangeStatus::kOk, {}},
        {"bytes= , , ,   ", 10, RangeStatus::kOk, {}},
        {"bytes=0-9", 10, RangeStatus::kOk, {{0, 10}}},
        {"bytes=0-", 10, RangeStatus::kOk, {{0, 10}}},
        {"bytes=5-", 10, RangeStatus::kOk, {{5, 5}}},
        {"bytes=0-20", 10, RangeStatus::kOk, {{0, 10}}},
        {"bytes=15-,0-5", 10, RangeStatus::kOk, {{0, 6}}},
        {"bytes=1-2,5-", 10, RangeStatus::kOk, {{1, 2}, {5, 5}}},
        {"bytes=-2 , 7-", 11, RangeStatus::kOk, {{9, 2}, {7, 4}}},
        {"bytes=0-0 ,2-2, 7-", 11, RangeStatus::kOk, {{0, 1}, {2, 1}, {7, 4}}},
        {"bytes=-5", 10, RangeStatus::kOk, {{5, 5}}},
        {"bytes=-15", 10, RangeStatus::kOk, {{0, 10}}},
        {"bytes=0-0,-1", 10000, RangeStatus::kOk, {{0, 1}, {9999, 1}}},
        {"bytes=10-20", 10, RangeStatus::kNoOverlap, {}},
        {"bytes=-0", 10, RangeStatus::kNoOverlap, {}},  // RFC 9110: unsatisfiable (Go differs)
        {"bytes=0-9,0-9", 10, RangeStatus::kOk, {}},    // overlaps beyond the size: whole body
    };
    for (const auto& c : cases) {
        std::vector<ByteRange> out;
        EXPECT_EQ(parse_range(c.header, c.size, out), c.status) << c.header;
        std::vector<std::pair<std::uint64_t, std::uint64_t>> got;
        for (const auto& r : out) got.emplace_back(r.start, r.length);
        EXPECT_EQ(got, c.ranges) << c.header;
    }
}

TEST(ParseRange, TooManyRangesMeansTheWholeBody) {
    std::string h = "bytes=";
    for (int i = 0; i < 150; ++i) h += std::to_string(i * 2) + "-" + std::to_string(i * 2) + ",";
    std::vector<ByteRange> out;
    EXPECT_EQ(parse_range(h, 1000, out), RangeStatus::kOk);
    EXPECT_TRUE(out.empty());
}

// ---------------------------------------------------------------------------------------------
// Dates and conditions

TEST(HttpDate, ThreeFormats) {
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
    EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
    EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
    EXPECT_FALSE(parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT"));
    EXPECT_FALSE(parse_http_date("yesterday"));
    EXPECT_FALSE(parse_http_date(""));
}

constexpr std::int64_t kMtime = 784111777;
constexpr const char* kMtimeText = "Sun, 06 Nov 1994 08:49:37 GMT";
constexpr const char* kBefore = "Sun, 06 Nov 1994 08:49:36 GMT";

ConditionalResult C(ConditionalRequest r, std::string_view etag = "\"10-42\"") {
    if (r.method.empty()) r.method = "GET";
    return evaluate_conditions(r, Validators{etag, kMtime});
}

TEST(Conditions, IfNoneMatchGivesNotModifiedForGetAnd412Otherwise) {
    EXPECT_EQ(C({.if_none_match = "\"10-42\""}).outcome, Precondition::kNotModified);
    EXPECT_EQ(C({.if_none_match = "W/\"10-42\""}).outcome, Precondition::kNotModified);  // weak
    EXPECT_EQ(C({.if_none_match = "\"x\", \"10-42\""}).outcome, Precondition::kNotModified);
    EXPECT_EQ(C({.if_none_match = "*"}).outcome, Precondition::kNotModified);
    EXPECT_EQ(C({.if_none_match = "\"other\""}).outcome, Precondition::kProceed);
    EXPECT_EQ(C({.method = "POST", .if_none_match = "\"10-42\""}).outcome,
              Precondition::kPreconditionFailed);
    // If-None-Match present: If-Modified-Since is not looked at.
    EXPECT_EQ(C({.if_none_match = "\"other\"", .if_modified_since = kMtimeText}).outcome,
              Precondition::kProceed);
}

TEST(Conditions, IfModifiedSinceComparesWholeSeconds) {
    EXPECT_EQ(C({.if_modified_since = kMtimeText}).outcome, Precondition::kNotModified);
    EXPECT_EQ(C({.if_modified_since = kBefore}).outcome, Precondition::kProceed);
    EXPECT_EQ(C({.if_modified_since = "garbage"}).outcome, Precondition::kProceed);
    EXPECT_EQ(C({.method = "POST", .if_modified_since = kMtimeText}).outcome,
              Precondition::kProceed);
}

TEST(Conditions, IfMatchIsStrongAndIfUnmodifiedSinceIsItsFallback) {
    EXPECT_EQ(C({.if_match = "\"10-42\""}).outcome, Precondition::kProceed);
    EXPECT_EQ(C({.if_match = "*"}).outcome, Precondition::kProceed);
    EXPECT_EQ(C({.if_match = "W/\"10-42\""}).outcome, Precondition::kPreconditionFailed);
    EXPECT_EQ(C({.if_match = "\"nope\""}).outcome, Precondition::kPreconditionFailed);
    EXPECT_EQ(C({.if_unmodified_since = kBefore}).outcome, Precondition::kPreconditionFailed);
    EXPECT_EQ(C({.if_unmodified_since = kMtimeText}).outcome, Precondition::kProceed);
    // A weak ETag never matches If-Match.
    EXPECT_EQ(C({.if_match = "W/\"1\""}, "W/\"1\"").outcome, Precondition::kPreconditionFailed);
}

TEST(Conditions, IfRangeDecidesWhetherTheRangeApplies) {
    EXPECT_TRUE(C({.range = "bytes=0-1"}).use_range);
    EXPECT_TRUE(C({.if_range = "\"10-42\"", .range = "bytes=0-1"}).use_range);
    EXPECT_FALSE(C({.if_range = "\"old\"", .range = "bytes=0-1"}).use_range);
    EXPECT_FALSE(C({.if_range = "W/\"10-42\"", .range = "bytes=0-1"}).use_range);
    EXPECT_TRUE(C({.if_range = kMtimeText, .range = "bytes=0-1"}).use_range);
    EXPECT_FALSE(C({.if_range = kBefore, .range = "bytes=0-1"}).use_range);
    EXPECT_FALSE(C({}).use_range);
}

// ---------------------------------------------------------------------------------------------
// Content types and ETags

TEST(Mime, ByExtensionAndBySniffing) {
    EXPECT_EQ(content_type_for_extension(".css"), "text/css; charset=utf-8");
    EXPECT_EQ(content_type_for_extension(".woff2"), "font/woff2");
    EXPECT_EQ(content_type_for_extension(".json"), "application/json");
    EXPECT_EQ(content_type_for_extension(".nope"), "");
    EXPECT_EQ(sniff_content_type("\x89PNG\r\n\x1a\nrest"), "image/png");
    EXPECT_EQ(sniff_content_type("  <!DOCTYPE html><p>"), "text/html; charset=utf-8");
    EXPECT_EQ(sniff_content_type("plain words\n"), "text/plain; charset=utf-8");
    EXPECT_EQ(sniff_content_type(std::string_view("\x01\x02\x03", 3)), "application/octet-stream");
    EXPECT_EQ(sniff_content_type(""), "text/plain; charset=utf-8");
}

TEST(Etag, MatchesUpstreamsCrcAndFormats) {
    // Reference values: Go's crc32.Checksum(data, crc32.MakeTable(0x48D90782)).
    EXPECT_EQ(etag_crc32(0, "hello"), 2311926652u);
    EXPECT_EQ(etag_crc32(0, "style.css"), 3301492019u);
    std::string bytes;
    for (int r = 0; r < 3; ++r) {
        for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    }
    EXPECT_EQ(etag_crc32(0, bytes), 3217646833u);
    // Incremental == one shot, at every split point (slicing-by-8 and the byte tail agree).
    for (std::size_t split = 0; split < 40; ++split) {
        const std::string_view all(bytes);
        EXPECT_EQ(etag_crc32(etag_crc32(0, all.substr(0, split)), all.substr(split)), 3217646833u);
    }
    EXPECT_EQ(strong_etag(5, 2311926652u), "\"5-2311926652\"");
    EXPECT_EQ(weak_etag("style.css"), "W/\"3301492019\"");
}

}  // namespace
}  // namespace rr::plugins
