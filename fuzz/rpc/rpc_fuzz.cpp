// libFuzzer target for the goridge RPC message codec (rpc/codec.h) and base64 (rpc/base64.h).
//
// Properties checked on every input (a violation aborts, which libFuzzer reports as a crash):
//  1. decode_message_frame never reads outside the input; a decoded message splits the payload
//     exactly into method ‖ body, with seq = options[0];
//  2. a decoded message re-encodes to the same bytes when it is in the writer's domain
//     (version 1, byte10 = byte11 = 0);
//  3. encode_message / encode_reply / encode_error_reply of fields taken from the input decode
//     back to those fields;
//  4. a buffer of concatenated messages decodes one by one until the first error;
//  5. base64: decode(encode(x)) == x, and a strict decode re-encodes to its input.

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "protocol/frame.h"
#include "rpc/base64.h"
#include "rpc/codec.h"

namespace {

using namespace rr::rpc;

void check(bool ok) {
    if (!ok) std::abort();
}

std::span<const std::byte> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

void check_decoded(std::string_view input, const Message& m, std::size_t consumed) {
    check(consumed >= rr::protocol::kHeaderSize + 8 && consumed <= input.size());
    const char* payload = m.method.data();
    check(payload >= input.data() && payload + m.method.size() == m.body.data());
    check(m.body.data() + m.body.size() == input.data() + consumed);
    (void)codec_name(m.codec());
    (void)is_supported(m.codec());
    const auto byte0 = static_cast<unsigned char>(input[0]);
    if ((byte0 >> 4) == rr::protocol::kVersion && input[10] == 0 && input[11] == 0) {
        auto again = encode_message(m.flags, m.seq, m.method, m.body);
        check(again.has_value() && again.value() == input.substr(0, consumed));
    }
}

void round_trip(std::string_view input) {
    if (input.size() < 6) return;
    const auto flags = static_cast<std::uint8_t>(input[0]);
    std::uint32_t seq = 0;
    std::memcpy(&seq, input.data() + 1, 4);
    const std::size_t split = static_cast<unsigned char>(input[5]);
    const std::string_view rest = input.substr(6);
    const std::string_view method = rest.substr(0, std::min(split, rest.size()));
    const std::string_view body = rest.substr(method.size());

    const std::string frame = encode_message(flags, seq, method, body).value();
    std::size_t consumed = 0;
    auto m = decode_message_frame(bytes_of(frame), frame.size(), &consumed);
    check(m.has_value() && consumed == frame.size());
    check(m.value().seq == seq && m.value().flags == flags);
    check(m.value().method == method && m.value().body == body);

    const Codec codec = codec_from_flags(flags);
    const std::string reply = encode_reply(codec, seq, method, body);
    auto r = decode_message_frame(bytes_of(reply), reply.size());
    check(r.has_value() && !r.value().is_error() && r.value().codec() == codec);
    check(r.value().body == body && r.value().method == method);

    const std::string error = encode_error_reply(codec, seq, method, body);
    auto e = decode_message_frame(bytes_of(error), error.size());
    check(e.has_value() && e.value().is_error() && e.value().codec() == codec);
    check(e.value().seq == seq && e.value().body == body);
}

void base64(std::string_view input) {
    const std::string encoded = base64_encode(input);
    auto back = base64_decode(encoded);
    check(back.has_value() && *back == input);
    if (input.find_first_of("\r\n") == std::string_view::npos) {
        if (auto decoded = base64_decode(input)) {
            check(base64_encode(*decoded) == input);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // 1, 2: one message, with and without a tight payload limit.
    std::size_t consumed = 0;
    if (auto m = decode_message_frame(bytes_of(input), 0xFFFFFFFFu, &consumed)) {
        check_decoded(input, m.value(), consumed);
    }
    (void)decode_message_frame(bytes_of(input), 16);

    // 4: a stream of messages.
    std::string_view rest = input;
    while (!rest.empty()) {
        std::size_t used = 0;
        auto m = decode_message_frame(bytes_of(rest), 1u << 20, &used);
        if (!m) break;
        check(used > 0 && used <= rest.size());
        rest = rest.substr(used);
    }

    // 3, 5.
    round_trip(input);
    base64(input);
    return 0;
}
