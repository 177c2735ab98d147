#include "protocol/control.h"

#include <gtest/gtest.h>

#include "unit/protocol/vectors.h"

namespace rr::protocol {
namespace {

constexpr std::size_t kNoLimit = 0xFFFFFFFFu;

std::span<const std::byte> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

FrameView decode(const std::string& frame) {
    auto r = decode_frame(bytes_of(frame), kNoLimit);
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    return r ? r.value() : FrameView{};
}

std::string control_frame(std::string_view json) {
    return encode_frame(flag::kControl, 0, {}, json);
}

TEST(ControlFrames, PidRequestMatchesTheGoldenFrame) {
    EXPECT_EQ(encode_pid_request(12345), test::golden("pid_request").bin_file);
}

TEST(ControlFrames, PidRequestJsonIsThePayloadOnly) {
    EXPECT_EQ(pid_request_json(12345), R"({"pid":12345})");
    EXPECT_EQ(pid_request_json(1), R"({"pid":1})");
}

TEST(ControlFrames, StopCommandMatchesTheGoldenFrame) {
    EXPECT_EQ(encode_stop_command(), test::golden("stop_command").bin_file);
}

TEST(ControlFrames, StopAndPongFramesMatchTheGoldenFramesAndTheEncoder) {
    auto as_string = [](std::span<const std::byte, kHeaderSize> f) {
        return std::string(reinterpret_cast<const char*>(f.data()), f.size());
    };
    EXPECT_EQ(as_string(stream_stop_frame()), test::golden("stream_stop").bin_file);
    EXPECT_EQ(as_string(pong_frame()), test::golden("pong").bin_file);
    EXPECT_EQ(as_string(stream_stop_frame()), encode_frame(0, stream_bit::kStop, {}, ""));
    EXPECT_EQ(as_string(pong_frame()), encode_frame(0, stream_bit::kPong, {}, ""));
}

TEST(PidReply, ParsesTheGoldenReply) {
    auto r = parse_pid_reply(decode(test::golden("pid_reply").bin_file));
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().pid, 4242);
    EXPECT_TRUE(r.value().codecs.empty());
}

TEST(PidReply, RequiresTheControlFlag) {
    const std::string f = encode_frame(flag::kCodecJson, 0, {}, R"({"pid":1})");
    auto r = parse_pid_reply(decode(f));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::kFrameNotControl);
}

TEST(PidReply, AcceptsControlWithJsonFlag) {
    const std::string f = encode_frame(kControlFlags, 0, {}, R"({"pid":7})");
    auto r = parse_pid_reply(decode(f));
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().pid, 7);
}

TEST(PidReply, RejectsMissingOrInvalidPid) {
    for (std::string_view json : {"",
                                  "null",
                                  "[]",
                                  "{}",
                                  R"({"pid":0})",
                                  R"({"pid":-5})",
                                  R"({"pid":"12"})",
                                  R"({"pid":1.5})",
                                  R"({"pid":12.0})",
                                  R"({"pid":1e3})",
                                  R"({"pid":true})",
                                  R"({"pid":99999999999999999999})",
                                  R"({"pid":012})",
                                  R"({"pid":1} x)",
                                  R"({"pid":1)",
                                  R"({"pid":1,})",
                                  R"({pid:1})",
                                  R"({"pid" 1})",
                                  R"({"stop":true})",
                                  "{\"pid\":1,\"x\":\"a\x01\"}",
                                  "Could not open input file"}) {
        auto r = parse_pid_reply(decode(control_frame(json)));
        ASSERT_FALSE(r) << json;
        EXPECT_EQ(r.error(), errc::kFrameBadControl) << json;
    }
}

TEST(PidReply, ToleratesWhitespaceAndUnknownKeysOfAnyShape) {
    auto r = parse_pid_reply_json(
        " {\n\"extra\": {\"a\": [1, 2.5e-3, null, {\"b\": \"\\u00e9\\\"\"}]}, \"pid\" : 31337 ,"
        " \"flag\": false}\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().pid, 31337);
}

TEST(PidReply, ReturnsTheAdvertisedCodecsInOrder) {
    auto r = parse_pid_reply_json(R"({"pid":123,"codecs":["proto","json"]})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().pid, 123);
    EXPECT_EQ(r.value().codecs, (std::vector<std::string>{"proto", "json"}));

    auto escaped = parse_pid_reply_json(R"({"codecs":["js\u006fn"],"pid":5})");
    ASSERT_TRUE(escaped);
    EXPECT_EQ(escaped.value().codecs, (std::vector<std::string>{"json"}));

    auto empty = parse_pid_reply_json(R"({"pid":5,"codecs":[]})");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty.value().codecs.empty());
}

TEST(PidReply, IgnoresCodecsThatAreNotAStringArray) {
    for (std::string_view json :
         {R"({"pid":5,"codecs":"proto"})", R"({"pid":5,"codecs":["proto",1]})",
          R"({"pid":5,"codecs":null})", R"({"pid":5,"codecs":{"a":"b"}})"}) {
        auto r = parse_pid_reply_json(json);
        ASSERT_TRUE(r) << json;
        EXPECT_TRUE(r.value().codecs.empty()) << json;
    }
    auto broken = parse_pid_reply_json(R"({"pid":5,"codecs":["proto",})");
    EXPECT_FALSE(broken);
}

TEST(PidReply, RejectsPathologicallyDeepUnknownValues) {
    std::string json = R"({"pid":1,"x":)" + std::string(1000, '[') + std::string(1000, ']') + "}";
    EXPECT_FALSE(parse_pid_reply_json(json));
}

TEST(WorkerStopRequest, DetectsTheGoldenFrame) {
    EXPECT_TRUE(is_worker_stop_request(decode(test::golden("worker_stop_request").bin_file)));
}

TEST(WorkerStopRequest, IgnoresLookalikes) {
    const std::vector<std::uint32_t> one{13};
    // A body after the context.
    EXPECT_FALSE(
        is_worker_stop_request(decode(encode_frame(0, 0, one, std::string(kStopJson) + "x"))));
    // An ERROR frame whose message happens to be the stop JSON.
    EXPECT_FALSE(is_worker_stop_request(decode(encode_frame(flag::kError, 0, one, kStopJson))));
    // No options (a control frame), or the JSON in the body instead of the context.
    EXPECT_FALSE(is_worker_stop_request(decode(encode_frame(0, 0, {}, kStopJson))));
    EXPECT_FALSE(is_worker_stop_request(
        decode(encode_frame(0, 0, std::vector<std::uint32_t>{0}, kStopJson))));
    // Different spelling of the same JSON is not the stop request (upstream compares bytes).
    EXPECT_FALSE(is_worker_stop_request(
        decode(encode_frame(0, 0, std::vector<std::uint32_t>{14}, R"({"stop": true})"))));
    // Normal responses.
    EXPECT_FALSE(is_worker_stop_request(decode(test::golden("json_response").bin_file)));
    EXPECT_FALSE(is_worker_stop_request(decode(test::golden("stream_ack").bin_file)));
}

TEST(CouldNotOpen, RecognisesPhpMissingScriptOutput) {
    EXPECT_TRUE(is_php_could_not_open(bytes_of("Could not open input file: worker.php\n")));
    EXPECT_TRUE(is_php_could_not_open(bytes_of("Could not op")));
    EXPECT_FALSE(is_php_could_not_open(bytes_of("Could not o")));
    EXPECT_FALSE(is_php_could_not_open(bytes_of("PHP Warning: x")));
    EXPECT_FALSE(is_php_could_not_open(bytes_of(test::golden("pid_reply").bin_file)));
}

}  // namespace
}  // namespace rr::protocol
