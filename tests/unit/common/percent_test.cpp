#include "common/percent.h"

#include <gtest/gtest.h>

#include <string>

namespace rr {
namespace {

TEST(Percent, HexValueOfDigitsAndLetters) {
    EXPECT_EQ(hex_value('0'), 0);
    EXPECT_EQ(hex_value('9'), 9);
    EXPECT_EQ(hex_value('a'), 10);
    EXPECT_EQ(hex_value('F'), 15);
    EXPECT_EQ(hex_value('g'), -1);
    EXPECT_EQ(hex_value('%'), -1);
}

TEST(Percent, DecodesEscapesAndPlusOnlyWhenAsked) {
    std::string out;
    ASSERT_TRUE(percent_decode("a%20b+c%E2%82%ac", out, true));
    EXPECT_EQ(out, "a b c\xe2\x82\xac");
    ASSERT_TRUE(percent_decode("a%20b+c", out, false));
    EXPECT_EQ(out, "a b+c");
    ASSERT_TRUE(percent_decode("", out, true));
    EXPECT_EQ(out, "");
}

TEST(Percent, RejectsBadOrTruncatedEscapes) {
    std::string out;
    EXPECT_FALSE(percent_decode("%zz", out, true));
    EXPECT_FALSE(percent_decode("abc%2", out, false));
    EXPECT_FALSE(percent_decode("%", out, true));
}

}  // namespace
}  // namespace rr
