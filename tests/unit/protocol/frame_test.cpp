#include "protocol/frame.h"

#include <gtest/gtest.h>

#include <random>

#include "unit/protocol/vectors.h"

namespace rr::protocol {
namespace {

using test::from_hex;
using test::golden_vectors;

std::span<const std::byte> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::string_view chars_of(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

constexpr std::size_t kNoLimit = 0xFFFFFFFFu;

// A header built by hand (bypassing encode_header's option cap) with a correct CRC.
std::string raw_frame(std::uint8_t byte0, std::uint8_t flags, std::uint32_t payload_size,
                      std::uint8_t byte10, std::uint8_t byte11, std::string_view rest) {
    std::string h;
    h.push_back(static_cast<char>(byte0));
    h.push_back(static_cast<char>(flags));
    for (int i = 0; i < 4; ++i) h.push_back(static_cast<char>((payload_size >> (8 * i)) & 0xFF));
    const std::uint32_t crc = crc32(bytes_of(h));
    for (int i = 0; i < 4; ++i) h.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
    h.push_back(static_cast<char>(byte10));
    h.push_back(static_cast<char>(byte11));
    h.append(rest);
    return h;
}

TEST(Crc32, MatchesTheIeeeCheckValue) {
    EXPECT_EQ(crc32(bytes_of("123456789")), 0xCBF43926u);
    EXPECT_EQ(crc32(bytes_of("")), 0u);
    // Bytes 0..5 of the PID request (PROTOCOL.md §1.7).
    EXPECT_EQ(crc32(bytes_of(from_hex("13090d000000"))), 0xcbfa6b3au);
}

TEST(GoldenVectors, IndexAndBinFilesAgree) {
    ASSERT_GE(golden_vectors().size(), 12u);
    for (const auto& g : golden_vectors()) {
        EXPECT_EQ(g.bin_file, g.frame) << g.name;
    }
}

TEST(GoldenVectors, DecodeGivesTheIndexedFields) {
    for (const auto& g : golden_vectors()) {
        SCOPED_TRACE(g.name);
        std::size_t consumed = 0;
        auto r = decode_frame(bytes_of(g.bin_file), kNoLimit, &consumed);
        ASSERT_TRUE(r) << r.error().message();
        const FrameView& f = r.value();
        EXPECT_EQ(consumed, g.bin_file.size());
        EXPECT_EQ(f.header.version, 1);
        EXPECT_EQ(f.header.flags, g.flags);
        EXPECT_EQ(f.header.byte10, g.byte10);
        EXPECT_EQ(f.header.byte11, 0);
        ASSERT_EQ(f.header.option_count, g.options.size());
        for (std::size_t i = 0; i < g.options.size(); ++i) EXPECT_EQ(f.options[i], g.options[i]);
        EXPECT_EQ(f.header.payload_size, g.payload.size());
        EXPECT_EQ(chars_of(f.payload), g.payload);
        EXPECT_EQ(f.header.rest_size(), g.bin_file.size() - kHeaderSize);
    }
}

TEST(GoldenVectors, EncodeGivesTheBinBytes) {
    for (const auto& g : golden_vectors()) {
        SCOPED_TRACE(g.name);
        EXPECT_EQ(encode_frame(g.flags, g.byte10, g.options, g.payload), g.bin_file);

        std::array<std::byte, kMaxHeaderSize> head{};
        const std::size_t n = encode_header(head, g.flags, g.byte10, g.options,
                                            static_cast<std::uint32_t>(g.payload.size()));
        EXPECT_EQ(n, kHeaderSize + 4 * g.options.size());
        EXPECT_EQ(std::string(chars_of(std::span(head).first(n))), g.bin_file.substr(0, n));
    }
}

TEST(DecodeHeader, RejectsEveryInputShorterThanTwelveBytes) {
    const std::string frame = test::golden("pong").bin_file;
    for (std::size_t n = 0; n < kHeaderSize; ++n) {
        auto r = decode_header(bytes_of(frame).first(n), kNoLimit);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), errc::kFrameShortHeader) << n;
        EXPECT_EQ(decode_frame(bytes_of(frame).first(n), kNoLimit).error(),
                  errc::kFrameShortHeader);
    }
}

TEST(DecodeHeader, RejectsHeaderLengthBelowThreeWithValidCrc) {
    for (std::uint8_t hl = 0; hl < 3; ++hl) {
        const std::string f = raw_frame(static_cast<std::uint8_t>(0x10 | hl), 0, 0, 0, 0, "");
        auto r = decode_header(bytes_of(f), kNoLimit);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), errc::kFrameBadHeaderLength) << int{hl};
    }
}

TEST(DecodeHeader, DetectsCrcMismatchInAnyCoveredByte) {
    const std::string good = test::golden("pid_request").bin_file;
    for (std::size_t i = 0; i < 10; ++i) {
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ 0x20);
        auto r = decode_header(bytes_of(bad), kNoLimit);
        ASSERT_FALSE(r) << i;
        EXPECT_EQ(r.error(), errc::kFrameCrcMismatch) << i;
    }
}

TEST(DecodeHeader, IgnoresBytesTenAndElevenForTheCrc) {
    std::string f = test::golden("pid_request").bin_file;
    f[10] = '\x0f';
    f[11] = '\x7f';
    auto r = decode_header(bytes_of(f), kNoLimit);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().byte10, 0x0f);
    EXPECT_EQ(r.value().byte11, 0x7f);
}

TEST(DecodeHeader, StrayTextOnStdoutIsACrcMismatch) {
    for (std::string_view text : {"Could not open input file: w.php", "PHP Warning:  foo in",
                                  "<br />\n<b>Fatal error</b>"}) {
        auto r = decode_header(bytes_of(text), kNoLimit);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), errc::kFrameCrcMismatch) << text;
    }
}

TEST(DecodeHeader, DoesNotCheckTheVersionNibble) {
    const std::string f = raw_frame(0x73, 0x40, 0, 0, 0, "");
    auto r = decode_header(bytes_of(f), kNoLimit);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().version, 7);
}

TEST(DecodeHeader, EnforcesThePayloadLimit) {
    const std::string f = test::golden("error_boom").bin_file;  // payload 4 bytes
    EXPECT_TRUE(decode_header(bytes_of(f), 4));
    auto r = decode_header(bytes_of(f), 3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::kFrameTooLarge);
    const std::string huge = raw_frame(0x13, 0, 0xFFFFFFFFu, 0, 0, "");
    auto h = decode_header(bytes_of(huge), kNoLimit);
    ASSERT_TRUE(h);
    EXPECT_EQ(h.value().payload_size, 0xFFFFFFFFu);
    EXPECT_EQ(decode_header(bytes_of(huge), 1u << 20).error(), errc::kFrameTooLarge);
}

TEST(DecodeFrame, ReportsTruncationOfOptionsOrPayloadForEveryPrefix) {
    for (const auto& g : golden_vectors()) {
        for (std::size_t n = kHeaderSize; n < g.bin_file.size(); ++n) {
            auto r = decode_frame(bytes_of(g.bin_file).first(n), kNoLimit);
            ASSERT_FALSE(r) << g.name << " " << n;
            EXPECT_EQ(r.error(), errc::kFrameTruncated) << g.name << " " << n;
        }
    }
}

TEST(DecodeFrame, ReadsConsecutiveFramesFromOneBuffer) {
    std::string buffer;
    for (const auto& g : golden_vectors()) buffer += g.bin_file;
    std::span<const std::byte> rest = bytes_of(buffer);
    for (const auto& g : golden_vectors()) {
        std::size_t consumed = 0;
        auto r = decode_frame(rest, kNoLimit, &consumed);
        ASSERT_TRUE(r) << g.name;
        EXPECT_EQ(r.value().header.flags, g.flags) << g.name;
        EXPECT_EQ(chars_of(r.value().payload), g.payload) << g.name;
        EXPECT_EQ(consumed, g.bin_file.size()) << g.name;
        rest = rest.subspan(consumed);
    }
    EXPECT_TRUE(rest.empty());
}

TEST(DecodeFrame, AcceptsEveryHeaderLengthFromThreeToFifteen) {
    for (std::uint8_t hl = 3; hl <= 15; ++hl) {
        std::string options;
        for (std::uint32_t i = 0; i < hl - 3u; ++i) {
            const std::uint32_t v = 0x01020304u * (i + 1);
            for (int k = 0; k < 4; ++k) options.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
        }
        const std::string f =
            raw_frame(static_cast<std::uint8_t>(0x10 | hl), 0x08, 3, 0, 0, options + "abc");
        std::size_t consumed = 0;
        auto r = decode_frame(bytes_of(f), kNoLimit, &consumed);
        ASSERT_TRUE(r) << int{hl};
        EXPECT_EQ(r.value().header.option_count, hl - 3);
        EXPECT_EQ(r.value().option_span().size(), hl - 3u);
        for (std::uint32_t i = 0; i < hl - 3u; ++i) {
            EXPECT_EQ(r.value().options[i], 0x01020304u * (i + 1));
        }
        EXPECT_EQ(chars_of(r.value().payload), "abc");
        EXPECT_EQ(consumed, f.size());
    }
}

TEST(EncodeHeader, WritesLittleEndianLengthAndOptions) {
    std::array<std::byte, kMaxHeaderSize> head{};
    const std::uint32_t opts[] = {0xA1B2C3D4u, 7};
    const std::size_t n =
        encode_header(head, flag::kCodecProto, stream_bit::kStream, opts, 0x01020304u);
    ASSERT_EQ(n, 20u);
    const std::string s(chars_of(std::span(head).first(n)));
    EXPECT_EQ(s.substr(0, 2), from_hex("1580"));
    EXPECT_EQ(s.substr(2, 4), from_hex("04030201"));
    EXPECT_EQ(s.substr(10, 2), from_hex("0100"));
    EXPECT_EQ(s.substr(12, 8), from_hex("d4c3b2a107000000"));
}

TEST(EncodeHeader, EmitsAtMostTenOptionWords) {
    std::array<std::byte, kMaxHeaderSize> head{};
    const std::array<std::uint32_t, kMaxWriteOptions> opts{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    EXPECT_EQ(encode_header(head, 0, 0, opts, 0), kHeaderSize + 40);
    EXPECT_EQ(static_cast<int>(head[0]), 0x1d);
    auto r = decode_frame(std::span(head).first(kHeaderSize + 40), kNoLimit);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().header.option_count, 10);
    EXPECT_EQ(r.value().options[9], 10u);
}

TEST(DataPayload, SplitsContextAndBody) {
    auto r = decode_frame(bytes_of(test::golden("json_response").bin_file), kNoLimit);
    ASSERT_TRUE(r);
    auto p = split_data_payload(r.value());
    ASSERT_TRUE(p);
    EXPECT_EQ(chars_of(p.value().context), R"({"status":200,"headers":{}})");
    EXPECT_EQ(chars_of(p.value().body), "OK");
}

TEST(DataPayload, RejectsWrongOptionCountOrOversizedContext) {
    auto control = decode_frame(bytes_of(test::golden("pid_reply").bin_file), kNoLimit);
    ASSERT_TRUE(control);
    EXPECT_EQ(split_data_payload(control.value()).error(), errc::kFrameBadOptions);
    auto rpc = decode_frame(bytes_of(test::golden("rpc_request").bin_file), kNoLimit);
    ASSERT_TRUE(rpc);
    EXPECT_EQ(split_data_payload(rpc.value()).error(), errc::kFrameBadOptions);

    const std::string frame = encode_frame(0, 0, std::vector<std::uint32_t>{5}, "abcd");
    auto f = decode_frame(bytes_of(frame), kNoLimit);
    ASSERT_TRUE(f);
    EXPECT_EQ(split_data_payload(f.value()).error(), errc::kFrameBadOptions);

    const std::string exact = encode_frame(0, 0, std::vector<std::uint32_t>{4}, "abcd");
    auto e = decode_frame(bytes_of(exact), kNoLimit);
    ASSERT_TRUE(e);
    auto p = split_data_payload(e.value());
    ASSERT_TRUE(p);
    EXPECT_EQ(chars_of(p.value().context), "abcd");
    EXPECT_TRUE(p.value().body.empty());
}

TEST(DataPayload, EncodesTheDataHeaderOfTheGoldenProtoRequest) {
    const auto& g = test::golden("proto_request");
    std::array<std::byte, kMaxHeaderSize> head{};
    auto n = encode_data_header(head, flag::kCodecProto, 0, g.payload.size(), 0);
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value(), 16u);
    EXPECT_EQ(std::string(chars_of(std::span(head).first(16))), g.bin_file.substr(0, 16));
    EXPECT_EQ(encode_data_header(head, 0, 0, 0xFFFFFFFFu, 1).error(), errc::kFrameTooLarge);
    EXPECT_TRUE(encode_data_header(head, 0, 0, 0xFFFFFFFFu, 0));
}

TEST(RoundTrip, DecodeOfEncodeIsIdentityForRandomFrames) {
    std::mt19937 rng(12345);
    for (int iter = 0; iter < 2000; ++iter) {
        const std::uint8_t flags = static_cast<std::uint8_t>(rng());
        const std::uint8_t byte10 = static_cast<std::uint8_t>(rng());
        std::vector<std::uint32_t> options(rng() % (kMaxWriteOptions + 1));
        for (auto& o : options) o = static_cast<std::uint32_t>(rng());
        std::string payload(rng() % 64, '\0');
        for (auto& c : payload) c = static_cast<char>(rng());
        const std::string frame = encode_frame(flags, byte10, options, payload);
        std::size_t consumed = 0;
        auto r = decode_frame(bytes_of(frame), kNoLimit, &consumed);
        ASSERT_TRUE(r);
        EXPECT_EQ(consumed, frame.size());
        EXPECT_EQ(r.value().header.flags, flags);
        EXPECT_EQ(r.value().header.byte10, byte10);
        ASSERT_EQ(r.value().header.option_count, options.size());
        EXPECT_TRUE(std::equal(options.begin(), options.end(), r.value().options.begin()));
        EXPECT_EQ(chars_of(r.value().payload), payload);
    }
}

}  // namespace
}  // namespace rr::protocol
