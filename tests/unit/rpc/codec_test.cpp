// The pure parts of rpc/: message codec, error texts, base64.
#include "rpc/codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "protocol/frame.h"
#include "rpc/base64.h"

namespace rr::rpc {
namespace {

std::span<const std::byte> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(RpcCodec, DecodesTheGoldenRequestVector) {
    // tests/vectors/rpc_request.bin: PROTOCOL.md §1.7, seq=1 informer.Workers "http".
    const std::string frame = read_file(RR_SOURCE_DIR "/tests/vectors/rpc_request.bin");
    ASSERT_FALSE(frame.empty());
    std::size_t consumed = 0;
    auto m = decode_message_frame(bytes_of(frame), 1024, &consumed);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(consumed, frame.size());
    EXPECT_EQ(m.value().seq, 1u);
    EXPECT_EQ(m.value().flags, protocol::flag::kCodecJson);
    EXPECT_EQ(m.value().codec(), Codec::kJson);
    EXPECT_FALSE(m.value().is_error());
    EXPECT_EQ(m.value().method, "informer.Workers");
    EXPECT_EQ(m.value().body, "\"http\"");
    // ... and we encode exactly those bytes.
    EXPECT_EQ(encode_message(protocol::flag::kCodecJson, 1, "informer.Workers", "\"http\"").value(),
              frame);
}

TEST(RpcCodec, RoundTripsEveryCodecAndEdgeSizes) {
    const std::uint8_t flags[] = {0x04, 0x08, 0x10, 0x20, 0x80, 0x48, 0x00};
    const std::string bodies[] = {"", "x", std::string(70000, '\0'), "{\"a\":[1,2]}"};
    const std::string methods[] = {"", "a.b", "informer.Workers", std::string(300, 'm')};
    std::uint32_t seq = 0xFFFFFFF0u;
    for (auto f : flags) {
        for (const auto& body : bodies) {
            for (const auto& method : methods) {
                const std::string frame = encode_message(f, ++seq, method, body).value();
                EXPECT_EQ(static_cast<std::uint8_t>(frame[0]), 0x15);  // version 1, HL 5
                auto m = decode_message_frame(bytes_of(frame), frame.size());
                ASSERT_TRUE(m);
                EXPECT_EQ(m.value().seq, seq);
                EXPECT_EQ(m.value().flags, f);
                EXPECT_EQ(m.value().method, method);
                EXPECT_EQ(m.value().body, body);
            }
        }
    }
}

TEST(RpcCodec, CodecPrecedenceFollowsGoridge) {
    EXPECT_EQ(codec_from_flags(0x08), Codec::kJson);
    EXPECT_EQ(codec_from_flags(0x04), Codec::kRaw);
    EXPECT_EQ(codec_from_flags(0x80), Codec::kProto);
    EXPECT_EQ(codec_from_flags(0x10), Codec::kMsgpack);
    EXPECT_EQ(codec_from_flags(0x20), Codec::kGob);
    EXPECT_EQ(codec_from_flags(0x00), Codec::kGob);  // Go's fallback
    EXPECT_EQ(codec_from_flags(0x01), Codec::kGob);
    EXPECT_EQ(codec_from_flags(0x88), Codec::kProto);
    EXPECT_EQ(codec_from_flags(0x0C), Codec::kJson);
    EXPECT_EQ(codec_from_flags(0x34), Codec::kRaw);
    EXPECT_EQ(codec_from_flags(0x30), Codec::kMsgpack);
    EXPECT_EQ(codec_from_flags(0x48), Codec::kJson);  // the error bit is not a codec
    EXPECT_TRUE(is_supported(Codec::kJson));
    EXPECT_TRUE(is_supported(Codec::kRaw));
    EXPECT_TRUE(is_supported(Codec::kProto));
    EXPECT_FALSE(is_supported(Codec::kGob));
    EXPECT_FALSE(is_supported(Codec::kMsgpack));
}

TEST(RpcCodec, RejectsWrongOptionCounts) {
    for (std::size_t n : {0u, 1u, 3u, 10u}) {
        std::vector<std::uint32_t> options(n, 1);
        const std::string frame = protocol::encode_frame(0x08, 0, options, "a.b");
        auto m = decode_message_frame(bytes_of(frame), 1024);
        ASSERT_FALSE(m) << n;
        EXPECT_EQ(m.error(), errc::kRpcBadOptions);
    }
}

TEST(RpcCodec, RejectsMethodLengthBeyondPayload) {
    const std::uint32_t options[] = {7, 4};
    const std::string frame = protocol::encode_frame(0x08, 0, options, "a.b");
    auto m = decode_message_frame(bytes_of(frame), 1024);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error(), errc::kRpcBadMethodLength);
    const std::uint32_t huge[] = {7, 0xFFFFFFFFu};
    const std::string frame2 = protocol::encode_frame(0x08, 0, huge, "");
    EXPECT_EQ(decode_message_frame(bytes_of(frame2), 1024).error(), errc::kRpcBadMethodLength);
    // Exactly the payload is fine: an empty body.
    const std::uint32_t exact[] = {7, 3};
    const std::string exact_frame = protocol::encode_frame(0x08, 0, exact, "a.b");
    auto ok = decode_message_frame(bytes_of(exact_frame), 1024);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok.value().method, "a.b");
    EXPECT_EQ(ok.value().body, "");
}

TEST(RpcCodec, ReportsFrameErrorsOfEveryTruncation) {
    const std::string frame = encode_message(0x08, 3, "Echo.Json", "[1,2,3]").value();
    for (std::size_t cut = 0; cut < frame.size(); ++cut) {
        auto m = decode_message_frame(bytes_of(frame.substr(0, cut)), 1024);
        ASSERT_FALSE(m) << cut;
        EXPECT_EQ(m.error(),
                  cut < protocol::kHeaderSize ? errc::kFrameShortHeader : errc::kFrameTruncated);
    }
}

TEST(RpcCodec, ReportsCrcAndSizeErrors) {
    std::string frame = encode_message(0x08, 3, "Echo.Json", "[1]").value();
    std::string bad = frame;
    bad[1] = 0x04;  // flags changed without a new CRC
    EXPECT_EQ(decode_message_frame(bytes_of(bad), 1024).error(), errc::kFrameCrcMismatch);
    EXPECT_EQ(decode_message_frame(bytes_of(frame), 5).error(), errc::kFrameTooLarge);
    EXPECT_EQ(decode_message_frame(bytes_of(std::string(40, 'G')), 1024).error(),
              errc::kFrameCrcMismatch);
}

TEST(RpcCodec, ErrorReplyHasCodecErrorFlagAndMethodPrefix) {
    const std::string frame = encode_error_reply(Codec::kJson, 9, "a.B", "nope");
    auto m = decode_message_frame(bytes_of(frame), 1024);
    ASSERT_TRUE(m);
    EXPECT_EQ(m.value().flags, 0x48);
    EXPECT_TRUE(m.value().is_error());
    EXPECT_EQ(m.value().seq, 9u);
    EXPECT_EQ(m.value().method, "a.B");
    EXPECT_EQ(m.value().body, "nope");
    // Gob (also: no codec bit) keeps its bit, as goridge writes it.
    const std::string gob = encode_error_reply(Codec::kGob, 1, "", "x");
    auto g = decode_message_frame(bytes_of(gob), 1024);
    ASSERT_TRUE(g);
    EXPECT_EQ(g.value().flags, 0x60);
}

TEST(RpcCodec, ReplyUsesTheRequestCodec) {
    const std::string frame = encode_reply(Codec::kRaw, 4, "Echo.Raw", "bytes");
    auto m = decode_message_frame(bytes_of(frame), 64);
    ASSERT_TRUE(m);
    EXPECT_EQ(m.value().flags, 0x04);
    EXPECT_EQ(m.value().body, "bytes");
}

TEST(RpcCodec, GoErrorTextsAreByteForByte) {
    EXPECT_EQ(ill_formed_error("nodot"), "rpc: service/method request ill-formed: nodot");
    EXPECT_EQ(unknown_service_error("nope.Workers"), "rpc: can't find service nope.Workers");
    EXPECT_EQ(unknown_method_error("informer.Nope"), "rpc: can't find method informer.Nope");
    EXPECT_NE(unsupported_codec_error(Codec::kGob).find("gob codec is not supported"),
              std::string::npos);
    EXPECT_NE(too_large_error(100, 10).find("100 bytes"), std::string::npos);
}

TEST(Base64, MatchesRfc4648Vectors) {
    const std::pair<std::string, std::string> cases[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
        {std::string("\0\xff\xfe", 3), "AP/+"},
    };
    for (const auto& [plain, encoded] : cases) {
        EXPECT_EQ(base64_encode(plain), encoded);
        auto back = base64_decode(encoded);
        ASSERT_TRUE(back) << encoded;
        EXPECT_EQ(*back, plain);
    }
    EXPECT_EQ(*base64_decode("Zm9v\r\nYmFy"), "foobar");  // newlines skipped, as Go
}

TEST(Base64, RejectsMalformedInput) {
    for (const char* bad :
         {"Zg", "Zg=", "Z===", "====", "Zm9v!A==", "Zh==", "Zm9=", "Zg==Zg==", "=Zg=", "Zm 9v"}) {
        EXPECT_FALSE(base64_decode(bad)) << bad;
    }
}

}  // namespace
}  // namespace rr::rpc
