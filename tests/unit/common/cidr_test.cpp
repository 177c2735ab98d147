#include "common/cidr.h"

#include <gtest/gtest.h>

namespace rr {
namespace {

namespace ip = boost::asio::ip;

TEST(Cidr, ParsesAndMatchesV4AndV6Subnets) {
    auto v4 = parse_cidr("10.1.2.3/8");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4.value().network.to_string(), "10.0.0.0");
    EXPECT_TRUE(v4.value().contains(ip::make_address("10.200.0.1")));
    EXPECT_TRUE(v4.value().contains(ip::make_address("::ffff:10.0.0.9")));
    EXPECT_FALSE(v4.value().contains(ip::make_address("11.0.0.1")));
    auto v6 = parse_cidr("fe80::/10");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6.value().contains(ip::make_address("fe80::1")));
    EXPECT_TRUE(v6.value().contains(ip::make_address("febf::1")));
    EXPECT_FALSE(v6.value().contains(ip::make_address("fec0::1")));
    EXPECT_FALSE(v6.value().contains(ip::make_address("10.0.0.1")));
    auto all = parse_cidr("0.0.0.0/0");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all.value().contains(ip::make_address("8.8.8.8")));
    EXPECT_FALSE(parse_cidr("10.0.0.1"));
    EXPECT_FALSE(parse_cidr("10.0.0.0/33"));
    EXPECT_FALSE(parse_cidr("::/129"));
    EXPECT_FALSE(parse_cidr("nonsense/8"));
    EXPECT_FALSE(parse_cidr("10.0.0.0/"));
}

TEST(Cidr, NoSurroundingWhitespace) {
    EXPECT_FALSE(parse_cidr(" 10.0.0.0/8"));
    EXPECT_FALSE(parse_cidr("10.0.0.0/8 "));
}

TEST(Cidr, UnmapTurnsV4MappedIntoV4) {
    EXPECT_EQ(unmap(ip::make_address("::ffff:1.2.3.4")), ip::make_address("1.2.3.4"));
    EXPECT_EQ(unmap(ip::make_address("::1")), ip::make_address("::1"));
}

TEST(Cidr, InSubnetsChecksEverySubnet) {
    const std::vector<Cidr> subnets{parse_cidr("10.0.0.0/8").value(),
                                    parse_cidr("::1/128").value()};
    EXPECT_TRUE(in_subnets(subnets, ip::make_address("10.1.1.1")));
    EXPECT_TRUE(in_subnets(subnets, ip::make_address("::1")));
    EXPECT_FALSE(in_subnets(subnets, ip::make_address("127.0.0.1")));
    EXPECT_FALSE(in_subnets({}, ip::make_address("10.1.1.1")));
}

}  // namespace
}  // namespace rr
