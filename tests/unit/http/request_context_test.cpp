#include "http/request_context.h"

#include <gtest/gtest.h>

#include "http/h1/request_parser.h"

namespace rr::http {
namespace {

using h1::HeadLimits;
using h1::HeadStatus;
using h1::parse_request_head;

TEST(RequestContextView, ContextViewsEveryMappedField) {
    RequestHead h;
    ASSERT_EQ(parse_request_head("GET /p?x=1 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-A: 2\r\n"
                                 "Cookie: s=v\r\n\r\n",
                                 HeadLimits{}, h)
                  .status,
              HeadStatus::kComplete);
    MappedRequest m = map_request(h, boost::asio::ip::make_address("192.0.2.1"), {});
    m.attributes.push_back(Field{"k", "v"});
    RequestContextView view(m);
    const protocol::HttpRequestContext& ctx = view.context();
    EXPECT_EQ(ctx.remote_addr, "192.0.2.1");
    EXPECT_EQ(ctx.protocol, "HTTP/1.1");
    EXPECT_EQ(ctx.method, "GET");
    EXPECT_EQ(ctx.uri, "http://h/p?x=1");
    EXPECT_EQ(ctx.raw_query, "x=1");
    ASSERT_EQ(ctx.headers.size(), m.headers.size());
    for (std::size_t i = 0; i < m.headers.size(); ++i) {
        EXPECT_EQ(ctx.headers[i].name, m.headers[i].name);
        EXPECT_EQ(ctx.headers[i].value, m.headers[i].value);
    }
    ASSERT_EQ(ctx.cookies.size(), 1U);
    EXPECT_EQ(ctx.cookies[0].name, "s");
    EXPECT_EQ(ctx.cookies[0].value, "v");
    ASSERT_EQ(ctx.attributes.size(), 1U);
    EXPECT_EQ(ctx.attributes[0].name, "k");
    EXPECT_FALSE(ctx.parsed);
    EXPECT_TRUE(ctx.uploads_json.empty());
}

}  // namespace
}  // namespace rr::http
