#include "common/json_string.h"

#include <gtest/gtest.h>

#include <string>

#include "common/utf8.h"

namespace rr {
namespace {

std::string json(std::string_view s, const JsonStringOptions& options) {
    std::string out;
    append_json_string(out, s, options);
    return out;
}

TEST(Utf8, SequenceLengthFollowsRfc3629) {
    EXPECT_EQ(utf8_sequence_length(""), 0U);
    EXPECT_EQ(utf8_sequence_length("a"), 1U);
    EXPECT_EQ(utf8_sequence_length("\xc3\xa9"), 2U);
    EXPECT_EQ(utf8_sequence_length("\xe2\x82\xac"), 3U);
    EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x98\x80"), 4U);
    EXPECT_EQ(utf8_sequence_length("\xc3"), 0U);              // truncated
    EXPECT_EQ(utf8_sequence_length("\xc0\xaf"), 0U);          // overlong
    EXPECT_EQ(utf8_sequence_length("\xe0\x80\xaf"), 0U);      // overlong
    EXPECT_EQ(utf8_sequence_length("\xed\xa0\x80"), 0U);      // surrogate
    EXPECT_EQ(utf8_sequence_length("\xf4\x90\x80\x80"), 0U);  // > U+10FFFF
    EXPECT_EQ(utf8_sequence_length("\x80"), 0U);              // lone continuation
}

TEST(JsonString, GoRulesEscapeHtmlAndSeparatorsAndWriteInvalidAsEscape) {
    EXPECT_EQ(json("<a&b>", kGoJsonString), R"("\u003ca\u0026b\u003e")");
    EXPECT_EQ(json("\xe2\x80\xa8", kGoJsonString), R"("\u2028")");
    EXPECT_EQ(json("\x7f", kGoJsonString), "\"\x7f\"");
    EXPECT_EQ(json("a\xff", kGoJsonString), R"("a\ufffd")");
}

TEST(JsonString, ZapRulesEscapeDelAndWriteInvalidAsRawReplacement) {
    EXPECT_EQ(json("<a&b>", kZapJsonString), R"("<a&b>")");
    EXPECT_EQ(json("\xe2\x80\xa8", kZapJsonString), "\"\xe2\x80\xa8\"");
    EXPECT_EQ(json("\x7f", kZapJsonString), R"("\u007f")");
    EXPECT_EQ(json("a\xff", kZapJsonString), "\"a\xEF\xBF\xBD\"");
}

TEST(JsonString, CommonEscapesAndPlainRuns) {
    for (const auto& o : {kGoJsonString, kZapJsonString}) {
        EXPECT_EQ(json("", o), "\"\"");
        EXPECT_EQ(json("plain text", o), "\"plain text\"");
        EXPECT_EQ(json("a\"b\\c\n\r\t\b\f", o), R"("a\"b\\c\n\r\t\b\f")");
        EXPECT_EQ(json(std::string_view("\x00\x1f", 2), o), R"("\u0000\u001f")");
        EXPECT_EQ(json("h\xc3\xa9 \xf0\x9f\x98\x80!", o), "\"h\xc3\xa9 \xf0\x9f\x98\x80!\"");
    }
}

}  // namespace
}  // namespace rr
