#include "http/mapping.h"

#include <gtest/gtest.h>

#include "http/h1/request_parser.h"

namespace rr::http {
namespace {

using h1::HeadLimits;
using h1::HeadStatus;
using h1::parse_request_head;

namespace ip = boost::asio::ip;

RequestHead head_of(std::string_view text) {
    RequestHead h;
    auto r = parse_request_head(text, HeadLimits{}, h);
    EXPECT_EQ(r.status, HeadStatus::kComplete) << text;
    return h;
}

TEST(Mapping, CanonicalHeaderKeyFollowsGo) {
    EXPECT_EQ(canonical_header_key("x-foo-bar"), "X-Foo-Bar");
    EXPECT_EQ(canonical_header_key("CONTENT-TYPE"), "Content-Type");
    EXPECT_EQ(canonical_header_key("content-md5"), "Content-Md5");
    EXPECT_EQ(canonical_header_key("www-authenticate"), "Www-Authenticate");
    EXPECT_EQ(canonical_header_key("x--a"), "X--A");
    EXPECT_EQ(canonical_header_key("-x"), "-X");
    EXPECT_EQ(canonical_header_key("x_foo"), "X_foo");
    EXPECT_EQ(canonical_header_key("1abc-2def"), "1abc-2def");
    EXPECT_EQ(canonical_header_key(""), "");
    // Any non-token byte: returned unchanged.
    EXPECT_EQ(canonical_header_key("foo bar"), "foo bar");
    EXPECT_EQ(canonical_header_key("x-foo:"), "x-foo:");
    EXPECT_EQ(canonical_header_key("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9");
}

TEST(Mapping, QueryUnescape) {
    EXPECT_EQ(query_unescape("a%20b+c"), "a b c");
    EXPECT_EQ(query_unescape("%E2%82%AC"), "\xe2\x82\xac");
    EXPECT_FALSE(query_unescape("%zz"));
    EXPECT_FALSE(query_unescape("abc%2"));
    EXPECT_FALSE(query_unescape("%"));
}

std::string cookie(const std::vector<Field>& cookies, std::string_view name) {
    for (const auto& c : cookies) {
        if (c.name == name) return c.value;
    }
    return "<absent>";
}

TEST(Mapping, CookiesAreUnescapedBadOnesDroppedLastWins) {
    auto c = parse_cookies({"a=1; b=hello%20world; bad=%zz; c=\"quoted\"", "a=2; d=x+y; e=; ;f"});
    ASSERT_EQ(c.size(), 6u);
    EXPECT_EQ(c[0].name, "a");
    EXPECT_EQ(c[0].value, "2");
    EXPECT_EQ(cookie(c, "b"), "hello world");
    EXPECT_EQ(cookie(c, "bad"), "<absent>");
    EXPECT_EQ(cookie(c, "c"), "quoted");
    EXPECT_EQ(cookie(c, "d"), "x y");
    EXPECT_EQ(cookie(c, "e"), "");
    EXPECT_EQ(cookie(c, "f"), "");
    // invalid name and invalid value bytes are skipped
    auto d = parse_cookies({"na me=1; ok=1; v=a\\b; w=a\"b"});
    EXPECT_EQ(d.size(), 1u);
    EXPECT_EQ(cookie(d, "ok"), "1");
}

TEST(Mapping, RemoteAddressWithoutPortOrBrackets) {
    EXPECT_EQ(ip_to_string(ip::make_address("127.0.0.1")), "127.0.0.1");
    EXPECT_EQ(ip_to_string(ip::make_address("::1")), "::1");
    EXPECT_EQ(ip_to_string(ip::make_address("::ffff:10.1.2.3")), "10.1.2.3");
    EXPECT_EQ(ip_to_string(ip::make_address("2001:db8::5")), "2001:db8::5");
}

TEST(Mapping, UriAndQuery) {
    EXPECT_EQ(build_uri("http", "localhost:8080", "/?a=1"), "http://localhost:8080/?a=1");
    EXPECT_EQ(build_uri("https", "h", "/p"), "https://h/p");
    EXPECT_EQ(build_uri("http", "h", "http://other/x?y"), "http://other/x?y");
    EXPECT_EQ(build_uri("http", "h\r\n", "/a\rb\n"), "http://h/ab");
    EXPECT_EQ(raw_query("/p?a=1&b=%20?c"), "a=1&b=%20?c");
    EXPECT_EQ(raw_query("/p"), "");
    EXPECT_EQ(raw_query("/p?"), "");
}

TEST(Mapping, ForwardedClientIpOrder) {
    const auto order = default_trusted_headers();
    Fields f{{"X-Real-IP", "3.3.3.3"},
             {"X-Forwarded-For", "2.2.2.2, 10.0.0.1"},
             {"Forwarded", "for=\"[2001:db8::17]:4711\";proto=https, for=5.5.5.5"}};
    EXPECT_EQ(forwarded_client_ip(f, order), "2001:db8::17");
    Fields g{{"X-Real-IP", "3.3.3.3"}, {"X-Forwarded-For", " 2.2.2.2 , 10.0.0.1"}};
    EXPECT_EQ(forwarded_client_ip(g, order), "2.2.2.2");
    Fields h{{"X-Real-IP", "3.3.3.3"}, {"True-Client-IP", "4.4.4.4"}};
    EXPECT_EQ(forwarded_client_ip(h, order), "3.3.3.3");
    Fields i{{"CF-Connecting-IP", "6.6.6.6"}};
    EXPECT_EQ(forwarded_client_ip(i, order), "6.6.6.6");
    Fields j{{"Forwarded", "for=unknown"}, {"X-Real-Ip", "7.7.7.7:99"}};
    EXPECT_EQ(forwarded_client_ip(j, order), "7.7.7.7");
    EXPECT_FALSE(forwarded_client_ip(Fields{{"X-Forwarded-For", "garbage"}}, order));
}

TEST(Mapping, MapRequestBuildsPhpFields) {
    auto h = head_of(
        "GET /p/a?x=1&y=%20 HTTP/1.1\r\nHost: example.com:8080\r\nx-custom-header: a\r\n"
        "X-CUSTOM-HEADER: b\r\nCookie: s=abc%21; t=1\r\nAccept: */*\r\n\r\n");
    MappingOptions opts;
    auto m = map_request(h, ip::make_address("192.0.2.7"), opts);
    EXPECT_EQ(m.remote_addr, "192.0.2.7");
    EXPECT_EQ(m.protocol, "HTTP/1.1");
    EXPECT_EQ(m.method, "GET");
    EXPECT_EQ(m.uri, "http://example.com:8080/p/a?x=1&y=%20");
    EXPECT_EQ(m.raw_query, "x=1&y=%20");
    ASSERT_EQ(m.headers.size(), 4u);
    EXPECT_EQ(m.headers[0].name, "X-Custom-Header");
    EXPECT_EQ(m.headers[0].value, "a");
    EXPECT_EQ(m.headers[1].name, "X-Custom-Header");
    EXPECT_EQ(m.headers[1].value, "b");
    EXPECT_EQ(m.headers[2].name, "Cookie");
    EXPECT_EQ(m.headers[3].name, "Accept");
    EXPECT_EQ(cookie(m.cookies, "s"), "abc!");
    EXPECT_EQ(cookie(m.cookies, "t"), "1");
    EXPECT_TRUE(m.attributes.empty());
}

TEST(Mapping, TransferEncodingIsNotPassedOn) {
    auto h = head_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    auto m = map_request(h, ip::make_address("127.0.0.1"), MappingOptions{});
    EXPECT_TRUE(m.headers.empty());
}

TEST(Mapping, TrustedProxySetsClientIpAndHttpsScheme) {
    auto h = head_of(
        "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 203.0.113.9\r\n"
        "X-Forwarded-Proto: https\r\n\r\n");
    MappingOptions opts;
    opts.trusted_subnets.push_back(parse_cidr("127.0.0.0/8").value());
    auto trusted = map_request(h, ip::make_address("127.0.0.1"), opts);
    EXPECT_EQ(trusted.remote_addr, "203.0.113.9");
    EXPECT_EQ(trusted.uri, "https://h/");
    auto untrusted = map_request(h, ip::make_address("198.51.100.1"), opts);
    EXPECT_EQ(untrusted.remote_addr, "198.51.100.1");
    EXPECT_EQ(untrusted.uri, "http://h/");
    MappingOptions off;  // no trusted subnets: headers ignored even from loopback
    auto disabled = map_request(h, ip::make_address("127.0.0.1"), off);
    EXPECT_EQ(disabled.remote_addr, "127.0.0.1");
    EXPECT_EQ(disabled.uri, "http://h/");
}

}  // namespace
}  // namespace rr::http
