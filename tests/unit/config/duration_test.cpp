#include <gtest/gtest.h>

#include "config/config.h"

namespace rr::config {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsGoUnits) {
    EXPECT_EQ(parse_duration("60s"), Duration(60s));
    EXPECT_EQ(parse_duration("300ms"), Duration(300ms));
    EXPECT_EQ(parse_duration("1m30s"), Duration(90s));
    EXPECT_EQ(parse_duration("2h"), Duration(2h));
    EXPECT_EQ(parse_duration("10us"), Duration(10us));
    EXPECT_EQ(parse_duration("10\xC2\xB5s"), Duration(10us));
    EXPECT_EQ(parse_duration("10\xCE\xBCs"), Duration(10us));
    EXPECT_EQ(parse_duration("7ns"), Duration(7ns));
}

TEST(ParseDuration, AcceptsCompoundAndFractional) {
    EXPECT_EQ(parse_duration("1h2m3.5s"), Duration(1h + 2min + 3500ms));
    EXPECT_EQ(parse_duration("1.5h"), Duration(90min));
    EXPECT_EQ(parse_duration(".5s"), Duration(500ms));
    EXPECT_EQ(parse_duration("1m0s"), Duration(1min));
}

TEST(ParseDuration, BareNumberIsNanoseconds) {
    EXPECT_EQ(parse_duration("0"), Duration(0));
    EXPECT_EQ(parse_duration("1"), Duration(1ns));
    EXPECT_EQ(parse_duration("60"), Duration(60ns));
}

TEST(ParseDuration, AcceptsSign) {
    EXPECT_EQ(parse_duration("-5s"), Duration(-5s));
    EXPECT_EQ(parse_duration("+5s"), Duration(5s));
}

TEST(ParseDuration, RejectsInvalid) {
    EXPECT_FALSE(parse_duration(""));
    EXPECT_FALSE(parse_duration("s"));
    EXPECT_FALSE(parse_duration("abc"));
    EXPECT_FALSE(parse_duration("5x"));
    EXPECT_FALSE(parse_duration("5 s"));
    EXPECT_FALSE(parse_duration("1.5"));
    EXPECT_FALSE(parse_duration("5s3"));
    EXPECT_FALSE(parse_duration("-"));
    EXPECT_FALSE(parse_duration("1d"));
}

TEST(ParseDuration, RejectsOverflow) {
    EXPECT_FALSE(parse_duration("9999999999h"));
    EXPECT_FALSE(parse_duration("99999999999999999999"));
    EXPECT_TRUE(parse_duration("2562047h"));
}

TEST(ParseEndpoint, HostPortForms) {
    auto e = parse_endpoint("127.0.0.1:8080");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, Endpoint::Kind::kTcp);
    EXPECT_EQ(e->host, "127.0.0.1");
    EXPECT_EQ(e->port, 8080);
    EXPECT_EQ(e->text, "127.0.0.1:8080");

    e = parse_endpoint(":8080");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "");
    EXPECT_EQ(e->port, 8080);

    e = parse_endpoint("tcp://localhost:0");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "localhost");
    EXPECT_EQ(e->port, 0);

    e = parse_endpoint("[::1]:9000");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "::1");
    EXPECT_EQ(e->port, 9000);
}

TEST(ParseEndpoint, UnixSocket) {
    auto e = parse_endpoint("unix:///var/run/rr.sock");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, Endpoint::Kind::kUnix);
    EXPECT_EQ(e->path, "/var/run/rr.sock");
    e = parse_endpoint("unix://rr.sock");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->path, "rr.sock");
}

TEST(ParseEndpoint, RejectsMalformed) {
    EXPECT_FALSE(parse_endpoint("8080"));
    EXPECT_FALSE(parse_endpoint("127.0.0.1"));
    EXPECT_FALSE(parse_endpoint("127.0.0.1:http"));
    EXPECT_FALSE(parse_endpoint("127.0.0.1:65536"));
    EXPECT_FALSE(parse_endpoint("::1:80"));
    EXPECT_FALSE(parse_endpoint("unix://"));
    EXPECT_FALSE(parse_endpoint("127.0.0.1:"));
}

}  // namespace
}  // namespace rr::config
