// The strict test parser (tests/support/prom_text_parser.h): it must accept valid expositions
// and reject each kind of malformed one, or the tests that rely on it prove nothing.

#include "support/prom_text_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace rr::test::prom {
namespace {

constexpr std::string_view kValid =
    "# HELP a_total Requests \\\\ and\\nmore.\n"
    "# TYPE a_total counter\n"
    "a_total{code=\"200\",path=\"/x\\\"y\\\\z\\n\"} 3\n"
    "a_total{code=\"500\",path=\"/\"} 1e+06 1700000000000\n"
    "# HELP b_seconds Latency.\n"
    "# TYPE b_seconds histogram\n"
    "b_seconds_bucket{le=\"0.1\"} 1\n"
    "b_seconds_bucket{le=\"1\"} 2\n"
    "b_seconds_bucket{le=\"+Inf\"} 2\n"
    "b_seconds_sum 0.6\n"
    "b_seconds_count 2\n"
    "# a plain comment\n"
    "# TYPE c summary\n"
    "c{quantile=\"0.5\"} NaN\n"
    "c_sum 0\n"
    "c_count 0\n"
    "d{x=\"1\",} -Inf\n";

TEST(PromTextParser, AcceptsAValidExposition) {
    auto r = parse(kValid);
    ASSERT_TRUE(r) << r.error;
    const Exposition& e = *r.exposition;
    ASSERT_EQ(e.families.size(), 4u);
    EXPECT_EQ(e.families[0].name, "a_total");
    EXPECT_EQ(e.families[0].help, "Requests \\ and\nmore.");
    EXPECT_EQ(e.families[0].type, "counter");
    EXPECT_EQ(e.value("a_total", {{"code", "200"}, {"path", "/x\"y\\z\n"}}), 3);
    EXPECT_EQ(e.value("a_total", {{"code", "500"}, {"path", "/"}}), 1e6);
    EXPECT_EQ(e.families[0].samples[1].timestamp, 1700000000000);
    EXPECT_EQ(e.family("b_seconds")->samples.size(), 5u);
    EXPECT_TRUE(std::isnan(*e.value("c", {{"quantile", "0.5"}})));
    EXPECT_EQ(e.family("c")->help, std::nullopt);
    EXPECT_EQ(e.family("d")->type, "untyped");
    EXPECT_EQ(e.value("d", {{"x", "1"}}), -HUGE_VAL);
    EXPECT_EQ(e.value("d"), std::nullopt);
    EXPECT_TRUE(parse(""));
}

struct Bad {
    const char* what;
    std::string text;
};

class PromTextParserRejects : public ::testing::TestWithParam<Bad> {};

TEST_P(PromTextParserRejects, Malformed) {
    auto r = parse(GetParam().text);
    EXPECT_FALSE(r) << GetParam().what << " was accepted";
    EXPECT_FALSE(r.error.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PromTextParserRejects,
    ::testing::Values(
        Bad{"no final newline", "a 1"}, Bad{"CR", "a 1\r\n"}, Bad{"bad metric name", "1a 1\n"},
        Bad{"dash in name", "a-b 1\n"}, Bad{"bad label name", "a{1x=\"v\"} 1\n"},
        Bad{"reserved label", "a{__x=\"v\"} 1\n"}, Bad{"unquoted label", "a{x=v} 1\n"},
        Bad{"unterminated labels", "a{x=\"v\" 1\n"}, Bad{"missing comma", "a{x=\"v\"y=\"w\"} 1\n"},
        Bad{"bad label escape", "a{x=\"\\t\"} 1\n"},
        Bad{"bad help escape", "# HELP a x\\ty\n# TYPE a gauge\na 1\n"},
        Bad{"invalid UTF-8", "a{x=\"\xff\"} 1\n"}, Bad{"duplicate label", "a{x=\"1\",x=\"2\"} 1\n"},
        Bad{"two spaces", "a  1\n"}, Bad{"no value", "a\n"}, Bad{"bad value", "a 1.2.3\n"},
        Bad{"hex value", "a 0x10\n"}, Bad{"bad timestamp", "a 1 1.5\n"},
        Bad{"trailing space", "a 1 \n"}, Bad{"unknown type", "# TYPE a meter\na 1\n"},
        Bad{"TYPE without type", "# TYPE a\na 1\n"},
        Bad{"second TYPE", "# TYPE a gauge\n# TYPE a gauge\na 1\n"},
        Bad{"second HELP", "# HELP a x\n# HELP a y\na 1\n"},
        Bad{"TYPE after samples", "a 1\n# TYPE a gauge\n"},
        Bad{"family split", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n"},
        Bad{"duplicate series", "# TYPE a gauge\na{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n"},
        Bad{"empty family", "# HELP a x\n# TYPE a gauge\n"},
        Bad{"unsorted families", "# TYPE b gauge\nb 1\n# TYPE a gauge\na 1\n"},
        Bad{"negative counter", "# TYPE a counter\na -1\n"},
        Bad{"histogram base sample", "# TYPE h histogram\nh 1\n"},
        Bad{"bucket without le", "# TYPE h histogram\nh_bucket 1\nh_sum 1\nh_count 1\n"},
        Bad{"unsorted buckets",
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"0.5\"} 1\n"
            "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"},
        Bad{"not cumulative",
            "# TYPE h histogram\nh_bucket{le=\"0.5\"} 2\nh_bucket{le=\"1\"} 1\n"
            "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n"},
        Bad{"no +Inf bucket", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"},
        Bad{"count differs from +Inf",
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\n"
            "h_count 2\n"},
        Bad{"histogram without sum", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n"},
        Bad{"bad le", "# TYPE h histogram\nh_bucket{le=\"x\"} 1\nh_sum 1\nh_count 1\n"},
        Bad{"summary without quantile", "# TYPE s summary\ns 1\ns_sum 1\ns_count 1\n"},
        Bad{"quantile out of range",
            "# TYPE s summary\ns{quantile=\"1.5\"} 1\ns_sum 1\ns_count 1\n"},
        Bad{"summary without count", "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 1\n"}));

TEST(PromTextParser, SortingCanBeRelaxed) {
    const std::string text = "# TYPE b gauge\nb 1\n# TYPE a gauge\na 1\n";
    EXPECT_FALSE(parse(text));
    EXPECT_TRUE(parse(text, {.require_sorted_families = false}));
}

TEST(PromTextParser, ErrorsNameTheLine) {
    auto r = parse("# TYPE a gauge\na 1\na{x=\"\\q\"} 2\n");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error.rfind("line 3: ", 0), 0u) << r.error;
}

}  // namespace
}  // namespace rr::test::prom
