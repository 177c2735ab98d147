#pragma once
// Control messages of the worker protocol (docs/protocol.md; ../shared/spec/PROTOCOL.md §3.2,
// §3.3, §3.5, §3.6): the PID handshake, the stop command, the stream STOP/PONG frames and the
// worker's "restart me" answer.
//
// Pure functions over bytes, no I/O. Thread safety: stateless, safe from any thread.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "protocol/frame.h"

namespace rr::protocol {

/// Flags of server->worker CONTROL frames: CONTROL | CODEC_JSON (0x09).
inline constexpr std::uint8_t kControlFlags = flag::kControl | flag::kCodecJson;

/// The context a worker sends to ask for its own restart, and the stop command's payload.
inline constexpr std::string_view kStopJson = R"({"stop":true})";

/// The PID request payload: `{"pid":<server_pid>}`.
std::string pid_request_json(std::int64_t server_pid);

/// The whole PID request frame: CONTROL|JSON, no options, payload pid_request_json(server_pid).
std::string encode_pid_request(std::int64_t server_pid);

/// The whole stop command frame: CONTROL|JSON, no options, payload `{"stop":true}`.
std::string encode_stop_command();

/// The 12-byte STOP frame (flags 0, byte10 = STOP, no payload): "stop the stream you produce".
std::span<const std::byte, kHeaderSize> stream_stop_frame() noexcept;

/// The 12-byte PONG frame (flags 0, byte10 = PONG, no payload): the answer to a PING.
std::span<const std::byte, kHeaderSize> pong_frame() noexcept;

/// The worker's answer to the PID request.
struct PidReply {
    std::int64_t pid = 0;
    /// Codec names from the optional `"codecs":[...]` key, in the worker's order of preference
    /// (our PHP library advertises e.g. ["proto","json"]); empty when the key is absent or is
    /// not an array of strings.
    std::vector<std::string> codecs;
};

/// Parses the worker's PID reply. Unknown keys are ignored.
/// Errors: kFrameNotControl (CONTROL flag missing), kFrameBadControl (payload is not a JSON
/// object, or `pid` is missing, not an integer, or not > 0).
Result<PidReply> parse_pid_reply(const FrameView& frame);

/// Same, from the JSON payload alone (the CONTROL flag is the caller's business).
Result<PidReply> parse_pid_reply_json(std::string_view payload);

/// True when a worker data frame asks for the worker's restart: no ERROR flag, exactly one
/// option, context exactly `{"stop":true}` and an empty body (PROTOCOL.md §3.3 step 5).
bool is_worker_stop_request(const FrameView& frame) noexcept;

/// True when the 12 bytes read where a frame header was expected are the ASCII text
/// `Could not op`: php-cli printing "Could not open input file: <script>" because the worker
/// script does not exist (PROTOCOL.md §1.5 step 2). The relay can then report the rest of the
/// output as the reason instead of a bare CRC mismatch.
bool is_php_could_not_open(std::span<const std::byte> header) noexcept;

}  // namespace rr::protocol
