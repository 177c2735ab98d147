#pragma once
// Goridge frame codec (docs/protocol.md; ../shared/spec/PROTOCOL.md §1).
//
//   [12-byte header][0..12 option words][payload]
//   byte0  = version << 4 | HL (header length in 32-bit words, options included, 3..15)
//   byte1  = flags, bytes 2..5 = payload length (uint32 LE), bytes 6..9 = CRC-32 of bytes 0..5 (LE)
//   byte10 = stream bits, byte11 = reserved (0)
//
// Pure functions over bytes: no I/O, no allocation on the encode/decode path.
// Thread safety: stateless, safe from any thread.

#include "common/result.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rr::protocol {

inline constexpr std::size_t kHeaderSize = 12;
/// Readers accept HL up to 15, i.e. 12 option words; writers never emit more than 10 (as Go).
inline constexpr std::size_t kMaxReadOptions = 12;
inline constexpr std::size_t kMaxWriteOptions = 10;
inline constexpr std::size_t kMaxHeaderSize = kHeaderSize + 4 * kMaxReadOptions;
inline constexpr std::uint8_t kVersion = 1;

/// byte1 bits.
namespace flag {
inline constexpr std::uint8_t kControl = 0x01;
inline constexpr std::uint8_t kCodecRaw = 0x04;
inline constexpr std::uint8_t kCodecJson = 0x08;
inline constexpr std::uint8_t kCodecMsgpack = 0x10;
inline constexpr std::uint8_t kCodecGob = 0x20;
inline constexpr std::uint8_t kError = 0x40;
inline constexpr std::uint8_t kCodecProto = 0x80;
}  // namespace flag

/// byte10 bits.
namespace stream_bit {
inline constexpr std::uint8_t kStream = 0x01;  ///< worker->server: more frames of this response follow
inline constexpr std::uint8_t kStop = 0x02;    ///< server->worker: stop the stream you are producing
inline constexpr std::uint8_t kPing = 0x04;    ///< worker->server: answer with PONG
inline constexpr std::uint8_t kPong = 0x08;    ///< server->worker: answer to PING
}  // namespace stream_bit

/// The decoded fixed 12-byte header.
struct FrameHeader {
    std::uint8_t version = kVersion;
    std::uint8_t flags = 0;
    std::uint8_t byte10 = 0;
    std::uint8_t byte11 = 0;
    std::uint8_t option_count = 0;   ///< HL - 3, in 0..12
    std::uint32_t payload_size = 0;  ///< bytes after the options

    /// Bytes that follow the fixed header: options plus payload.
    std::size_t rest_size() const noexcept { return 4u * option_count + payload_size; }
    bool has_flag(std::uint8_t f) const noexcept { return (flags & f) != 0; }
    bool has_stream_bit(std::uint8_t b) const noexcept { return (byte10 & b) != 0; }
};

/// A frame decoded in place: option values copied out, payload a view into the input buffer.
struct FrameView {
    FrameHeader header;
    std::array<std::uint32_t, kMaxReadOptions> options{};
    std::span<const std::byte> payload;

    std::span<const std::uint32_t> option_span() const noexcept {
        return {options.data(), header.option_count};
    }
};

/// CRC-32 (IEEE, as zlib and PHP crc32()).
std::uint32_t crc32(std::span<const std::byte> bytes) noexcept;

/// Decodes the fixed header from the first 12 bytes of `bytes`.
/// Errors: kFrameShortHeader (fewer than 12 bytes), kFrameBadHeaderLength (HL < 3),
/// kFrameCrcMismatch, kFrameTooLarge (payload_size > max_payload). The version is not checked.
/// The CRC is checked before HL, so stray text on a worker's stdout reports kFrameCrcMismatch.
Result<FrameHeader> decode_header(std::span<const std::byte> bytes, std::size_t max_payload) noexcept;

/// Decodes a whole frame that starts at bytes[0]. `bytes` may hold more than one frame;
/// `consumed` (optional) receives the size of this one.
/// Errors: those of decode_header, plus kFrameTruncated when options or payload are short.
Result<FrameView> decode_frame(std::span<const std::byte> bytes, std::size_t max_payload,
                               std::size_t* consumed = nullptr) noexcept;

/// Writes header + options for a frame of `payload_size` bytes into `out` and returns the
/// number of bytes written (12 + 4 * options.size()). The payload itself is not copied: callers
/// send it right after, in the same writev(). `options.size()` must be <= kMaxWriteOptions.
std::size_t encode_header(std::span<std::byte, kMaxHeaderSize> out, std::uint8_t flags,
                          std::uint8_t byte10, std::span<const std::uint32_t> options,
                          std::uint32_t payload_size) noexcept;

/// Convenience for tests and control frames: the whole frame as one string.
std::string encode_frame(std::uint8_t flags, std::uint8_t byte10,
                         std::span<const std::uint32_t> options, std::string_view payload);

// --- Data frames (PROTOCOL.md §1.4): one option word [context_length], payload = context ‖ body.

/// The two parts of a data frame's payload; views into the frame's input buffer.
struct DataPayload {
    std::span<const std::byte> context;  ///< PHP calls it "header"
    std::span<const std::byte> body;
};

/// Splits a decoded data frame at options[0].
/// Errors: kFrameBadOptions when the frame has not exactly one option word or the context
/// length exceeds the payload (the checks of the Go pool's receiveFrame).
Result<DataPayload> split_data_payload(const FrameView& frame) noexcept;

/// Writes the header of a data frame (one option word = context_size) for a payload of
/// context_size + body_size bytes; returns the bytes written (16). Errors: kFrameTooLarge when
/// context_size + body_size does not fit the 32-bit length field.
Result<std::size_t> encode_data_header(std::span<std::byte, kMaxHeaderSize> out,
                                       std::uint8_t flags, std::uint8_t byte10,
                                       std::size_t context_size, std::size_t body_size) noexcept;

}  // namespace rr::protocol
