#include "protocol/frame.h"

#include <algorithm>
#include <cassert>
#include <string>

namespace rr::protocol {
namespace {

// Byte-wise table CRC-32 (reflected polynomial 0xEDB88320, as zlib and PHP crc32()).
// The per-frame CRC covers six bytes only, so a 1 KiB table beats a call into zlib.
constexpr std::array<std::uint32_t, 256> make_crc_table() noexcept {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        table[i] = c;
    }
    return table;
}

constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

std::uint32_t load_le32(const std::byte* p) noexcept {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

void store_le32(std::byte* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::byte>(v & 0xFFu);
    p[1] = static_cast<std::byte>((v >> 8) & 0xFFu);
    p[2] = static_cast<std::byte>((v >> 16) & 0xFFu);
    p[3] = static_cast<std::byte>((v >> 24) & 0xFFu);
}

}  // namespace

std::uint32_t crc32(std::span<const std::byte> bytes) noexcept {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::byte b : bytes) {
        c = kCrcTable[(c ^ static_cast<std::uint32_t>(b)) & 0xFFu] ^ (c >> 8);
    }
    return c ^ 0xFFFFFFFFu;
}

Result<FrameHeader> decode_header(std::span<const std::byte> bytes,
                                  std::size_t max_payload) noexcept {
    if (bytes.size() < kHeaderSize) {
        return errc::kFrameShortHeader;
    }
    const std::byte* p = bytes.data();
    // The CRC is checked first: stray text on a worker's stdout (the common failure) then
    // reports "crc mismatch" rather than whatever its first byte happens to say about HL.
    if (crc32(bytes.first(6)) != load_le32(p + 6)) {
        return errc::kFrameCrcMismatch;
    }
    const auto byte0 = static_cast<std::uint8_t>(p[0]);
    const std::uint8_t hl = byte0 & 0x0Fu;
    if (hl < 3) {
        return errc::kFrameBadHeaderLength;
    }
    FrameHeader h;
    h.version = static_cast<std::uint8_t>(byte0 >> 4);
    h.flags = static_cast<std::uint8_t>(p[1]);
    h.payload_size = load_le32(p + 2);
    h.byte10 = static_cast<std::uint8_t>(p[10]);
    h.byte11 = static_cast<std::uint8_t>(p[11]);
    h.option_count = static_cast<std::uint8_t>(hl - 3);
    if (h.payload_size > max_payload) {
        return errc::kFrameTooLarge;
    }
    return h;
}

Result<FrameView> decode_frame(std::span<const std::byte> bytes, std::size_t max_payload,
                               std::size_t* consumed) noexcept {
    auto header = decode_header(bytes, max_payload);
    if (!header) {
        return header.error();
    }
    FrameView frame;
    frame.header = header.value();
    const std::size_t options_bytes = 4u * frame.header.option_count;
    const std::size_t total = kHeaderSize + options_bytes + frame.header.payload_size;
    if (bytes.size() < total) {
        return errc::kFrameTruncated;
    }
    const std::byte* opt = bytes.data() + kHeaderSize;
    for (std::size_t i = 0; i < frame.header.option_count; ++i) {
        frame.options[i] = load_le32(opt + 4 * i);
    }
    frame.payload = bytes.subspan(kHeaderSize + options_bytes, frame.header.payload_size);
    if (consumed != nullptr) {
        *consumed = total;
    }
    return frame;
}

std::size_t encode_header(std::span<std::byte, kMaxHeaderSize> out, std::uint8_t flags,
                          std::uint8_t byte10, std::span<const std::uint32_t> options,
                          std::uint32_t payload_size) noexcept {
    assert(options.size() <= kMaxWriteOptions);
    const std::size_t n = std::min(options.size(), kMaxWriteOptions);
    std::byte* p = out.data();
    p[0] = static_cast<std::byte>((kVersion << 4) | (3 + n));
    p[1] = static_cast<std::byte>(flags);
    store_le32(p + 2, payload_size);
    // HL is final at this point, so the CRC over bytes 0..5 is too.
    store_le32(p + 6, crc32(out.first(6)));
    p[10] = static_cast<std::byte>(byte10);
    p[11] = std::byte{0};
    for (std::size_t i = 0; i < n; ++i) {
        store_le32(p + kHeaderSize + 4 * i, options[i]);
    }
    return kHeaderSize + 4 * n;
}

std::string encode_frame(std::uint8_t flags, std::uint8_t byte10,
                         std::span<const std::uint32_t> options, std::string_view payload) {
    std::array<std::byte, kMaxHeaderSize> head{};
    const std::size_t head_size =
        encode_header(head, flags, byte10, options, static_cast<std::uint32_t>(payload.size()));
    std::string out;
    out.reserve(head_size + payload.size());
    out.append(reinterpret_cast<const char*>(head.data()), head_size);
    out.append(payload);
    return out;
}

Result<DataPayload> split_data_payload(const FrameView& frame) noexcept {
    if (frame.header.option_count != 1) {
        return errc::kFrameBadOptions;
    }
    const std::uint32_t context_size = frame.options[0];
    if (context_size > frame.payload.size()) {
        return errc::kFrameBadOptions;
    }
    return DataPayload{frame.payload.first(context_size), frame.payload.subspan(context_size)};
}

Result<std::size_t> encode_data_header(std::span<std::byte, kMaxHeaderSize> out, std::uint8_t flags,
                                       std::uint8_t byte10, std::size_t context_size,
                                       std::size_t body_size) noexcept {
    constexpr std::size_t kMaxLength = 0xFFFFFFFFu;
    if (context_size > kMaxLength || body_size > kMaxLength - context_size) {
        return errc::kFrameTooLarge;
    }
    const std::uint32_t option = static_cast<std::uint32_t>(context_size);
    return encode_header(out, flags, byte10, std::span<const std::uint32_t>(&option, 1),
                         static_cast<std::uint32_t>(context_size + body_size));
}

}  // namespace rr::protocol
