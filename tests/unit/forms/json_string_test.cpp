#include "forms/json_string.h"

#include <gtest/gtest.h>

namespace rr::forms {
namespace {

std::string json(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

TEST(JsonString, EscapesLikeGo) {
    EXPECT_EQ(json("plain"), "\"plain\"");
    EXPECT_EQ(json(""), "\"\"");
    EXPECT_EQ(json("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(json("\n\r\t\b\f"), R"("\n\r\t\b\f")");
    EXPECT_EQ(json(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
    EXPECT_EQ(json("<a&b>"), R"("\u003ca\u0026b\u003e")");
    EXPECT_EQ(json("\x7f"), "\"\x7f\"");
}

TEST(JsonString, KeepsValidUtf8AndEscapesLineSeparators) {
    EXPECT_EQ(json("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"),
              "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"");
    EXPECT_EQ(json("\xe2\x80\xa8\xe2\x80\xa9"), R"("\u2028\u2029")");
}

TEST(JsonString, ReplacesEachInvalidByteWithReplacementEscape) {
    EXPECT_EQ(json("\xff"), R"("\ufffd")");
    EXPECT_EQ(json("a\xc3"), R"("a\ufffd")");                              // truncated sequence
    EXPECT_EQ(json("\xc0\xaf"), R"("\ufffd\ufffd")");                      // overlong
    EXPECT_EQ(json("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");            // surrogate
    EXPECT_EQ(json("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
}

}  // namespace
}  // namespace rr::forms
