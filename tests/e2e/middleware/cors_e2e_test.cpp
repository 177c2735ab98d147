// The headers middleware end to end: CORS preflights answered without PHP (the worker counts
// its requests), CORS and configured headers on actual responses.

#include <gtest/gtest.h>

#include "e2e/middleware/middleware_fixture.h"

namespace rr::e2e {
namespace {

class CorsE2E : public MiddlewareE2E {};

constexpr const char* kHeadersYaml = R"(  middleware: [headers]
  headers:
    request:
      X-From-Rr: "1"
    response:
      X-Powered-By: rr
    cors:
      allowed_origin: "https://app.example, https://*.example.org"
      allowed_methods: "GET,POST,PUT"
      allowed_headers: "content-type, x-requested-with"
      allow_credentials: true
      exposed_headers: "x-total-count"
      max_age: 600
      options_success_status: 204
)";

TEST_F(CorsE2E, PreflightIsAnsweredWithoutPhp) {
    ASSERT_NO_FATAL_FAILURE(start_with(kHeadersYaml));
    const int before = php_count();
    auto r = exchange("OPTIONS /api/items HTTP/1.1\r\nHost: " + host() +
                      "\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: PUT\r\n"
                      "Access-Control-Request-Headers: content-type\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    EXPECT_EQ(r->header("Access-Control-Allow-Origin"), "https://app.example");
    EXPECT_EQ(r->header("Access-Control-Allow-Methods"), "PUT");
    EXPECT_EQ(r->header("Access-Control-Allow-Headers"), "content-type");
    EXPECT_EQ(r->header("Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(r->header("Access-Control-Max-Age"), "600");
    EXPECT_EQ(r->header("X-Powered-By"), "rr");
    // A refused preflight is answered too (without the allow headers), still without PHP.
    auto refused = exchange("OPTIONS /api/items HTTP/1.1\r\nHost: " + host() +
                            "\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: "
                            "GET\r\n\r\n");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 204);
    EXPECT_FALSE(refused->header("Access-Control-Allow-Origin"));
    EXPECT_EQ(refused->header("Vary"),
              "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    EXPECT_EQ(php_count(), before + 1) << "preflights must not reach PHP";
}

TEST_F(CorsE2E, ActualRequestsGetCorsAndConfiguredHeaders) {
    ASSERT_NO_FATAL_FAILURE(start_with(kHeadersYaml));
    auto r = exchange(get("/api/items", "Origin: https://shop.example.org\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "php:/api/items");
    EXPECT_EQ(r->header("Access-Control-Allow-Origin"), "https://shop.example.org");
    EXPECT_EQ(r->header("Access-Control-Expose-Headers"), "X-Total-Count");
    EXPECT_EQ(r->header("Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(r->header("Vary"), "Origin");
    EXPECT_EQ(r->header("X-Powered-By"), "rr");
    auto other = exchange(get("/api/items", "Origin: https://other.example\r\n"));
    EXPECT_FALSE(other->header("Access-Control-Allow-Origin"));
    EXPECT_EQ(other->body, "php:/api/items");
}

}  // namespace
}  // namespace rr::e2e
