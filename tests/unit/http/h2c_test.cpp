// The h2c hand-over pieces of the HTTP/1.1 session (http/h1/h2c.h): HTTP2-Settings decoding.
#include "http/h1/h2c.h"

#include <gtest/gtest.h>

namespace rr::http::h1 {
namespace {

TEST(H2c, Http2SettingsDecodesAsBase64urlWithOrWithoutPadding) {
    // SETTINGS_MAX_CONCURRENT_STREAMS = 100, SETTINGS_INITIAL_WINDOW_SIZE = 65535 (as curl sends).
    const std::string want("\x00\x03\x00\x00\x00\x64\x00\x04\x00\x00\xff\xff", 12);
    EXPECT_EQ(base64url_decode("AAMAAABkAAQAAP__"), want);
    EXPECT_EQ(base64url_decode("AAMAAABkAAQAAP//"), want);  // the standard alphabet too
    EXPECT_EQ(base64url_decode("AAMAAABk"), std::string("\x00\x03\x00\x00\x00\x64", 6));
    EXPECT_EQ(base64url_decode("YQ"), "a");
    EXPECT_EQ(base64url_decode("YQ=="), "a");
    EXPECT_EQ(base64url_decode(""), "");
}

TEST(H2c, BadHttp2SettingsIsRefused) {
    EXPECT_FALSE(base64url_decode("AAM*AABk"));
    EXPECT_FALSE(base64url_decode("Y"));       // a lone trailing character
    EXPECT_FALSE(base64url_decode("YQ==YQ"));  // padding inside
    EXPECT_FALSE(base64url_decode("a b"));
}

TEST(H2c, ThePrefaceIsTheRfc9113One) {
    EXPECT_EQ(kH2Preface.size(), 24u);
    EXPECT_EQ(kH2Preface.substr(0, 16), "PRI * HTTP/2.0\r\n");
}

}  // namespace
}  // namespace rr::http::h1
