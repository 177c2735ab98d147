#include "protocol/control.h"

#include <fmt/format.h>

#include <cstring>

#include "protocol/json_reader.h"

namespace rr::protocol {
namespace {

// The two fixed 12-byte frames: HL 3, no flags, empty payload, and only byte10 differs. Bytes
// 0..5 are `13 00 00 00 00 00` for both, so they share the CRC 0x3480d196; tests check them
// against tests/vectors/{stream_stop,pong}.bin and encode_header.
constexpr std::array<std::byte, kHeaderSize> fixed_frame(std::uint8_t byte10) {
    return {std::byte{0x13}, std::byte{0x00}, std::byte{0x00}, std::byte{0x00},
            std::byte{0x00}, std::byte{0x00}, std::byte{0x96}, std::byte{0xd1},
            std::byte{0x80}, std::byte{0x34}, std::byte{byte10}, std::byte{0x00}};
}
constexpr auto kStopFrame = fixed_frame(stream_bit::kStop);
constexpr auto kPongFrame = fixed_frame(stream_bit::kPong);

std::string_view as_chars(std::span<const std::byte> bytes) noexcept {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::string pid_request_json(std::int64_t server_pid) {
    return fmt::format(R"({{"pid":{}}})", server_pid);
}

std::string encode_pid_request(std::int64_t server_pid) {
    return encode_frame(kControlFlags, 0, {}, pid_request_json(server_pid));
}

std::string encode_stop_command() {
    return encode_frame(kControlFlags, 0, {}, kStopJson);
}

std::span<const std::byte, kHeaderSize> stream_stop_frame() noexcept {
    return kStopFrame;
}

std::span<const std::byte, kHeaderSize> pong_frame() noexcept {
    return kPongFrame;
}

Result<PidReply> parse_pid_reply(const FrameView& frame) {
    if (!frame.header.has_flag(flag::kControl)) {
        return errc::kFrameNotControl;
    }
    return parse_pid_reply_json(as_chars(frame.payload));
}

Result<PidReply> parse_pid_reply_json(std::string_view payload) {
    detail::JsonReader reader(payload);
    detail::JsonScratch scratch;
    if (!reader.consume('{')) {
        return errc::kFrameBadControl;
    }
    PidReply reply;
    bool have_pid = false;
    bool first = true;
    for (;;) {
        std::string_view key;
        bool done = false;
        if (!reader.next_member(key, done, first, scratch)) {
            return errc::kFrameBadControl;
        }
        if (done) {
            break;
        }
        if (key == "pid") {
            if (!reader.read_int64(reply.pid)) {
                return errc::kFrameBadControl;
            }
            have_pid = true;
        } else if (key == "codecs" && reader.peek() == '[') {
            // Lenient: anything but an array of strings leaves `codecs` empty.
            reader.consume('[');
            reply.codecs.clear();
            bool all_strings = true;
            bool first_element = true;
            for (;;) {
                bool end = false;
                if (!reader.next_element(end, first_element)) {
                    return errc::kFrameBadControl;
                }
                if (end) {
                    break;
                }
                std::string_view name;
                if (reader.peek() == '"') {
                    if (!reader.read_string(name, scratch)) {
                        return errc::kFrameBadControl;
                    }
                    reply.codecs.emplace_back(name);
                } else {
                    all_strings = false;
                    if (!reader.skip_value(1)) {
                        return errc::kFrameBadControl;
                    }
                }
            }
            if (!all_strings) {
                reply.codecs.clear();
            }
        } else if (!reader.skip_value(1)) {
            return errc::kFrameBadControl;
        }
    }
    if (!reader.at_end() || !have_pid || reply.pid <= 0) {
        return errc::kFrameBadControl;
    }
    return reply;
}

bool is_worker_stop_request(const FrameView& frame) noexcept {
    if (frame.header.has_flag(flag::kError) || frame.header.option_count != 1) {
        return false;
    }
    return frame.options[0] == kStopJson.size() && frame.payload.size() == kStopJson.size() &&
           as_chars(frame.payload) == kStopJson;
}

bool is_php_could_not_open(std::span<const std::byte> header) noexcept {
    constexpr std::string_view kText = "Could not op";
    return header.size() >= kText.size() && as_chars(header.first(kText.size())) == kText;
}

}  // namespace rr::protocol
