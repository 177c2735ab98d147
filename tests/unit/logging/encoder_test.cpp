#include "logging/encoder.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace rr::logging {
namespace {

std::string render(const EncoderOptions& options, std::string_view payload,
                   std::initializer_list<Field> fields = {},
                   spdlog::level::level_enum level = spdlog::level::info) {
    spdlog::details::log_msg msg(std::chrono::system_clock::time_point(
                                     std::chrono::nanoseconds(1700000000123456789LL)),
                                 spdlog::source_loc{}, "http", level,
                                 spdlog::string_view_t(payload.data(), payload.size()));
    spdlog::memory_buf_t out;
    encode(options, msg, std::span<const Field>(fields.begin(), fields.size()), out);
    return std::string(out.data(), out.size());
}

TEST(Encoder, ConsoleLineHasTimeLevelLoggerMessageAndFields) {
    EncoderOptions o;
    const std::string line = render(o, "worker started", {{"pid", 42}, {"relay", "pipes"}});
    EXPECT_EQ(line, "2023-11-14T22:13:20.123Z\tINFO\thttp\tworker started\tpid=42 relay=pipes\n");
}

TEST(Encoder, ConsoleQuotesValuesWithSpacesOrQuotes) {
    EncoderOptions o;
    const std::string line = render(o, "m", {{"a", "x y"}, {"b", "say \"hi\""}, {"c", ""}});
    EXPECT_NE(line.find("a=\"x y\" b=\"say \\\"hi\\\"\" c=\"\""), std::string::npos) << line;
}

TEST(Encoder, ConsoleColourWrapsLevelOnly) {
    EncoderOptions o;
    o.color = true;
    const std::string line = render(o, "m", {}, spdlog::level::err);
    EXPECT_NE(line.find("\033[31mERROR\033[0m\thttp\tm"), std::string::npos) << line;
}

TEST(Encoder, JsonLineHasUpstreamKeysAndEpochNanos) {
    EncoderOptions o;
    o.mode = Mode::kProduction;
    o.encoding = Encoding::kJson;
    const std::string line =
        render(o, "hello \"world\"\n", {{"pid", 42}, {"ok", true}, {"ratio", 0.5}, {"s", "v"}},
               spdlog::level::warn);
    ASSERT_EQ(line.back(), '\n');
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["level"], "warn");
    EXPECT_EQ(j["ts"].get<std::int64_t>(), 1700000000123456789LL);
    EXPECT_EQ(j["logger"], "http");
    EXPECT_EQ(j["msg"], "hello \"world\"\n");
    EXPECT_EQ(j["pid"], 42);
    EXPECT_EQ(j["ok"], true);
    EXPECT_EQ(j["ratio"], 0.5);
    EXPECT_EQ(j["s"], "v");
    EXPECT_EQ(line.rfind("{\"level\":\"warn\",\"ts\":1700000000123456789,\"logger\":\"http\"", 0),
              0u);
}

TEST(Encoder, JsonEscapesControlBytesAndReplacesInvalidUtf8) {
    spdlog::memory_buf_t out;
    append_json_string(out, std::string_view("a\x01\tb\xff\xc3\xa9", 7));
    EXPECT_EQ(std::string(out.data(), out.size()), "\"a\\u0001\\tb\xEF\xBF\xBD\xC3\xA9\"");
    EXPECT_TRUE(nlohmann::json::accept(std::string(out.data(), out.size())));
}

TEST(Encoder, RawIsMessageOnly) {
    EncoderOptions o;
    o.mode = Mode::kRaw;
    EXPECT_EQ(render(o, "PHP Warning: x", {{"pid", 1}}), "PHP Warning: x\n");
}

TEST(Encoder, LineEndingIsConfigurable) {
    EncoderOptions o;
    o.mode = Mode::kRaw;
    o.line_ending = "\r\n";
    EXPECT_EQ(render(o, "m"), "m\r\n");
}

TEST(Encoder, ParsesLevelsModesAndEncodings) {
    EXPECT_EQ(parse_level("DEBUG"), spdlog::level::debug);
    EXPECT_EQ(parse_level("warn"), spdlog::level::warn);
    EXPECT_EQ(parse_level("panic"), spdlog::level::critical);
    EXPECT_FALSE(parse_level("verbose"));
    EXPECT_EQ(parse_mode("none"), Mode::kOff);
    EXPECT_EQ(parse_mode("production"), Mode::kProduction);
    EXPECT_FALSE(parse_mode("prod"));
    EXPECT_EQ(parse_encoding("json"), Encoding::kJson);
    EXPECT_FALSE(parse_encoding("xml"));
    EXPECT_EQ(default_encoding(Mode::kProduction), Encoding::kJson);
    EXPECT_EQ(default_encoding(Mode::kDevelopment), Encoding::kConsole);
}

}  // namespace
}  // namespace rr::logging
