#include "forms/urlencoded.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace rr::forms {
namespace {

using Pairs = std::vector<std::pair<std::string, std::vector<std::string>>>;

Pairs groups(const FormValues& v) {
    Pairs out;
    for (const auto& g : v.groups()) {
        out.emplace_back(g.name, g.values);
    }
    return out;
}

TEST(QueryUnescape, DecodesPlusAndPercent) {
    std::string out;
    ASSERT_TRUE(query_unescape("a+b%20c%2Bd%2b%e2%82%AC", out));
    EXPECT_EQ(out, "a b c+d+\xe2\x82\xac");
    ASSERT_TRUE(query_unescape("%00", out));
    EXPECT_EQ(out, std::string(1, '\0'));
}

TEST(QueryUnescape, RejectsBadEscapes) {
    std::string out;
    EXPECT_FALSE(query_unescape("%", out));
    EXPECT_FALSE(query_unescape("a%2", out));
    EXPECT_FALSE(query_unescape("%zz", out));
    EXPECT_FALSE(query_unescape("%g0", out));
}

TEST(ParseUrlencoded, SplitsPairsAndGroupsNames) {
    FormValues v;
    EXPECT_FALSE(parse_urlencoded("a=1&b=2&a=3&c&=e&&d=", v));
    EXPECT_EQ(groups(v),
              (Pairs{{"a", {"1", "3"}}, {"b", {"2"}}, {"c", {""}}, {"", {"e"}}, {"d", {""}}}));
}

TEST(ParseUrlencoded, DecodesNamesAndValues) {
    FormValues v;
    EXPECT_FALSE(parse_urlencoded("a%5Bb%5D=x+y&k=%3D%26", v));
    EXPECT_EQ(groups(v), (Pairs{{"a[b]", {"x y"}}, {"k", {"=&"}}}));
}

TEST(ParseUrlencoded, OnlyFirstEqualsSplits) {
    FormValues v;
    EXPECT_FALSE(parse_urlencoded("a=b=c", v));
    EXPECT_EQ(groups(v), (Pairs{{"a", {"b=c"}}}));
}

TEST(ParseUrlencoded, BadEscapeSkipsThatPairAndReportsError) {
    FormValues v;
    auto ec = parse_urlencoded("a=1&b=%zz&c%=3&d=4", v);
    EXPECT_EQ(ec, make_error_code(errc::kFormMalformed));
    EXPECT_EQ(groups(v), (Pairs{{"a", {"1"}}, {"d", {"4"}}}));
}

TEST(ParseUrlencoded, SemicolonSegmentIsSkippedWithError) {
    FormValues v;
    auto ec = parse_urlencoded("a=1;b=2&c=3", v);
    EXPECT_EQ(ec, make_error_code(errc::kFormMalformed));
    EXPECT_EQ(groups(v), (Pairs{{"c", {"3"}}}));
}

TEST(ParseUrlencoded, EmptyBodyHasNoPairs) {
    FormValues v;
    EXPECT_FALSE(parse_urlencoded("", v));
    EXPECT_TRUE(v.empty());
}

TEST(CheckQueryString, RejectsWhatGoRejects) {
    EXPECT_FALSE(check_query_string("a=1&b=%20"));
    EXPECT_FALSE(check_query_string(""));
    EXPECT_EQ(check_query_string("a=1;b=2"), make_error_code(errc::kFormMalformed));
    EXPECT_EQ(check_query_string("a=%"), make_error_code(errc::kFormMalformed));
}

}  // namespace
}  // namespace rr::forms
