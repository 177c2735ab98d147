// The headers middleware: request/response headers and CORS (rs/cors v1.11 semantics as
// RoadRunner configures it), with FakeWriter; and the http.headers decoder.

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "config/config.h"
#include "plugins/headers/config.h"
#include "plugins/headers/cors.h"
#include "plugins/headers/headers_middleware.h"
#include "support/fake_writer.h"

namespace rr::plugins {
namespace {

using rr::test::FakeRequest;
using rr::test::FakeWriter;
using rr::test::run_sync;

/// Records what the application saw and answers 200 with its own headers.
class App final : public http::Handler {
public:
    int calls = 0;
    http::Fields seen;
    http::Fields answer{{"Content-Type", "text/plain"}, {"Vary", "Cookie"}};
    boost::asio::awaitable<void> handle(http::Request& r, http::ResponseWriter& w) override {
        ++calls;
        seen = r.headers();
        co_await w.send_response(200, answer, "app");
    }
};

class HeadersTest : public ::testing::Test {
protected:
    FakeWriter run(const std::string& method, http::Fields fields) {
        auto mw = std::make_shared<HeadersMiddleware>(
            cfg_, std::make_shared<spdlog::logger>(
                      "headers", std::make_shared<spdlog::sinks::null_sink_mt>()));
        http::MiddlewareChain chain({mw}, app_);
        FakeRequest r(method, "/api", std::move(fields));
        FakeWriter w;
        run_sync([&] { return chain.handle(r.request, w); });
        return w;
    }
    static http::Fields preflight(const std::string& origin, const std::string& method = "GET",
                                  const std::string& headers = "origin, x-requested-with") {
        http::Fields f{{"Origin", origin}, {"Access-Control-Request-Method", method}};
        if (!headers.empty()) f.add("Access-Control-Request-Headers", headers);
        return f;
    }

    HeadersConfig cfg_;
    App app_;
};

TEST_F(HeadersTest, RequestHeadersAreAddedAndResponseHeadersComeFirst) {
    cfg_.request = {{"X-Input", "custom"}};
    cfg_.response = {{"X-Powered-By", "rr"}, {"Vary", "Accept"}};
    auto w = run("GET", {{"X-Input", "client"}});
    EXPECT_EQ(app_.calls, 1);
    EXPECT_EQ(app_.seen.all("X-Input"), (std::vector<std::string_view>{"client", "custom"}));
    ASSERT_GE(w.headers().size(), 4u);
    EXPECT_EQ(w.headers()[0].name, "X-Powered-By");
    EXPECT_EQ(w.headers().all("Vary"), (std::vector<std::string_view>{"Accept", "Cookie"}));
    EXPECT_EQ(w.body(), "app");
}

TEST_F(HeadersTest, WildcardPreflightIsAnsweredWithoutTheApp) {
    // RoadRunner's own test config: allowed_origin "*", credentials, max_age 600.
    cfg_.cors = CorsConfig{};
    cfg_.cors->allowed_origin = "*";
    cfg_.cors->allowed_headers = "*";
    cfg_.cors->allowed_methods = "GET,POST,PUT,DELETE";
    cfg_.cors->allow_credentials = true;
    cfg_.cors->exposed_headers =
        "Cache-Control,content-language,Content-Type,Expires,Last-Modified,Pragma";
    cfg_.cors->max_age = 600;
    cfg_.response = {{"X-Resp", "1"}};
    auto w = run("OPTIONS", preflight("http://example.com"));
    EXPECT_EQ(app_.calls, 0);
    EXPECT_EQ(w.status(), 200);
    EXPECT_EQ(w.body(), "");
    EXPECT_EQ(w.header("Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(w.header("Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(w.header("Access-Control-Allow-Headers"), "origin, x-requested-with");
    EXPECT_EQ(w.header("Access-Control-Allow-Methods"), "GET");
    EXPECT_EQ(w.header("Access-Control-Max-Age"), "600");
    EXPECT_EQ(w.header("Vary"),
              "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    EXPECT_EQ(w.header("X-Resp"), "1");

    auto actual = run("GET", {{"Origin", "http://example.com"}});
    EXPECT_EQ(app_.calls, 1);
    EXPECT_EQ(actual.header("Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(actual.header("Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(actual.header("Access-Control-Expose-Headers"),
              "Cache-Control, Content-Language, Content-Type, Expires, Last-Modified, Pragma");
    EXPECT_EQ(actual.headers().all("Vary"), (std::vector<std::string_view>{"Origin", "Cookie"}));
    EXPECT_FALSE(actual.header("Access-Control-Max-Age"));
}

TEST_F(HeadersTest, RegexEchoesTheOriginAndRefusesOthers) {
    cfg_.cors = CorsConfig{};
    cfg_.cors->allowed_origin = "https://ignored.example";
    cfg_.cors->allowed_origin_regex = R"(^https?://([a-z]+\.)?example\.com$)";
    cfg_.cors->allowed_headers = "*";
    auto w = run("OPTIONS", preflight("https://app.example.com"));
    EXPECT_EQ(w.header("Access-Control-Allow-Origin"), "https://app.example.com");
    auto refused = run("GET", {{"Origin", "http://evil.example.org"}});
    EXPECT_FALSE(refused.header("Access-Control-Allow-Origin"));
    EXPECT_EQ(refused.header("Vary"), "Origin");
    EXPECT_EQ(app_.calls, 1);  // actual requests always reach the app
    EXPECT_FALSE(
        run("GET", {{"Origin", "https://ignored.example"}}).header("Access-Control-Allow-Origin"));
}

TEST_F(HeadersTest, RefusedPreflightsStillGetTheSuccessStatusButNoAllowHeaders) {
    cfg_.cors = CorsConfig{};
    cfg_.cors->allowed_origin = "https://a.example, https://*.b.example";
    cfg_.cors->allowed_methods = "GET, POST";
    cfg_.cors->options_success_status = 204;
    struct Case {
        const char* why;
        http::Fields request;
        bool allowed;
    };
    const std::vector<Case> cases = {
        {"listed origin (after a space)", preflight("https://a.example", "POST", ""), true},
        {"case-insensitive origin", preflight("HTTPS://A.EXAMPLE", "GET", ""), true},
        {"wildcard origin", preflight("https://x.b.example", "GET", ""), true},
        {"other origin", preflight("https://c.example", "GET", ""), false},
        {"no origin", http::Fields{{"Access-Control-Request-Method", "GET"}}, false},
        {"method not allowed", preflight("https://a.example", "DELETE", ""), false},
        {"header not allowed", preflight("https://a.example", "GET", "x-custom"), false},
        {"default headers", preflight("https://a.example", "GET", "Content-Type, accept"), true},
    };
    for (const auto& c : cases) {
        auto w = run("OPTIONS", c.request);
        EXPECT_EQ(w.status(), 204) << c.why;
        EXPECT_EQ(w.header("Access-Control-Allow-Origin").has_value(), c.allowed) << c.why;
        EXPECT_TRUE(w.header("Vary")) << c.why;
    }
    EXPECT_EQ(app_.calls, 0);
}

TEST_F(HeadersTest, ActualRequestsWithADisallowedMethodGetNoCorsHeaders) {
    cfg_.cors = CorsConfig{};
    cfg_.cors->allowed_origin = "https://a.example";
    cfg_.cors->allowed_methods = "GET";
    EXPECT_FALSE(
        run("PUT", {{"Origin", "https://a.example"}}).header("Access-Control-Allow-Origin"));
    EXPECT_EQ(run("GET", {{"Origin", "https://a.example"}}).header("Access-Control-Allow-Origin"),
              "https://a.example");
    // OPTIONS without Access-Control-Request-Method is an ordinary request for the app.
    auto options = run("OPTIONS", {{"Origin", "https://a.example"}});
    EXPECT_EQ(options.body(), "app");
    EXPECT_EQ(options.header("Access-Control-Allow-Origin"), "https://a.example");
}

TEST(CorsPolicy, EmptyAllowedOriginMeansEveryOrigin) {
    CorsPolicy p(CorsConfig{});
    EXPECT_TRUE(p.origin_allowed("https://anything.example"));
    http::Fields out;
    EXPECT_EQ(p.actual("GET", http::Fields{{"Origin", "https://x"}}, out), "");
    EXPECT_EQ(out.find("Access-Control-Allow-Origin") ? *out.find("Access-Control-Allow-Origin")
                                                      : std::string(),
              "*");
}

// ---------------------------------------------------------------------------------------------
// Config (the old http.headers decoder tests)

HeadersConfig decode_text(const std::string& yaml) {
    const config::Config doc = config::parse_string(
        "version: '3'\nserver:\n  command: php w.php\nhttp:\n  headers:\n" + yaml);
    config::Warnings warnings;
    const config::DecodeContext ctx{"", &warnings};
    return decode_headers_config(*doc.section("http")->find_nocase("headers"), "http.headers", ctx);
}

std::string error_of(const std::string& yaml) {
    try {
        (void)decode_text(yaml);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

TEST(HeadersConfig, Keys) {
    const HeadersConfig h = decode_text(R"(    cors:
      allowed_origin: "*"
      allowed_methods: GET,POST
      allow_credentials: true
      max_age: 600
    request:
      X-Input: custom
    response:
      X-Powered-By: rr
      X-Second: two
)");
    ASSERT_TRUE(h.cors);
    EXPECT_EQ(h.cors->allowed_origin, "*");
    EXPECT_EQ(h.cors->allowed_methods, "GET,POST");
    EXPECT_TRUE(h.cors->allow_credentials);
    EXPECT_EQ(h.cors->max_age, 600);
    EXPECT_EQ(h.cors->options_success_status, 200);
    EXPECT_EQ(h.request, (config::HeaderList{{"X-Input", "custom"}}));
    EXPECT_EQ(h.response, (config::HeaderList{{"X-Powered-By", "rr"}, {"X-Second", "two"}}));
    EXPECT_EQ(
        decode_text("    cors:\n      options_success_status: 204\n").cors->options_success_status,
        204);
    EXPECT_EQ(
        decode_text("    cors:\n      options_success_status: 0\n").cors->options_success_status,
        200);
    EXPECT_FALSE(decode_text("    request: {A: b}\n").cors);
}

TEST(HeadersConfig, Errors) {
    EXPECT_EQ(error_of("    cors:\n      options_success_status: 99\n"),
              "http.headers.cors.options_success_status: expected an integer between 100 and "
              "599, got \"99\"");
    EXPECT_EQ(error_of("    response: [a]\n"),
              "http.headers.response[0]: expected a map of header names to values, got \"a\"");
    EXPECT_NE(error_of("    cors:\n      allowed_origin_regex: \"([a-z\"\n")
                  .find("http.headers.cors.allowed_origin_regex: invalid regular expression"),
              std::string::npos);
}

}  // namespace
}  // namespace rr::plugins
