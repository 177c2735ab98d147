#include "rpc/codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace rr::rpc {

namespace {

constexpr std::size_t kMaxPayload = 0xFFFFFFFFu;

std::string_view chars_of(std::span<const std::byte> bytes) noexcept {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

Codec codec_from_flags(std::uint8_t flags) noexcept {
    using namespace protocol::flag;
    if ((flags & kCodecProto) != 0) return Codec::kProto;
    if ((flags & kCodecJson) != 0) return Codec::kJson;
    if ((flags & kCodecRaw) != 0) return Codec::kRaw;
    if ((flags & kCodecMsgpack) != 0) return Codec::kMsgpack;
    return Codec::kGob;  // the gob bit, or no codec bit at all
}

std::string_view codec_name(Codec codec) noexcept {
    switch (codec) {
        case Codec::kRaw:
            return "raw";
        case Codec::kJson:
            return "json";
        case Codec::kMsgpack:
            return "msgpack";
        case Codec::kGob:
            return "gob";
        case Codec::kProto:
            return "proto";
    }
    return "unknown";
}

bool is_supported(Codec codec) noexcept {
    return codec == Codec::kJson || codec == Codec::kRaw || codec == Codec::kProto;
}

Result<Message> decode_message(const protocol::FrameView& frame) noexcept {
    if (frame.header.option_count != 2) {
        return errc::kRpcBadOptions;
    }
    const std::uint32_t method_length = frame.options[1];
    if (method_length > frame.payload.size()) {
        return errc::kRpcBadMethodLength;
    }
    Message m;
    m.seq = frame.options[0];
    m.flags = frame.header.flags;
    const std::string_view payload = chars_of(frame.payload);
    m.method = payload.substr(0, method_length);
    m.body = payload.substr(method_length);
    return m;
}

Result<Message> decode_message_frame(std::span<const std::byte> bytes, std::size_t max_payload,
                                     std::size_t* consumed) noexcept {
    auto frame = protocol::decode_frame(bytes, max_payload, consumed);
    if (!frame) {
        return frame.error();
    }
    return decode_message(frame.value());
}

Result<std::string> encode_message(std::uint8_t flags, std::uint32_t seq, std::string_view method,
                                   std::string_view body) {
    if (method.size() > kMaxPayload || body.size() > kMaxPayload - method.size()) {
        return errc::kFrameTooLarge;
    }
    const std::array<std::uint32_t, 2> options{seq, static_cast<std::uint32_t>(method.size())};
    std::array<std::byte, protocol::kMaxHeaderSize> head{};
    const std::size_t head_size = protocol::encode_header(
        head, flags, 0, options, static_cast<std::uint32_t>(method.size() + body.size()));
    std::string out;
    out.reserve(head_size + method.size() + body.size());
    out.append(reinterpret_cast<const char*>(head.data()), head_size);
    out.append(method);
    out.append(body);
    return out;
}

std::string encode_reply(Codec request_codec, std::uint32_t seq, std::string_view method,
                         std::string_view body) {
    auto frame = encode_message(static_cast<std::uint8_t>(request_codec), seq, method, body);
    if (!frame) {
        return encode_error_reply(
            request_codec, seq, method,
            fmt::format("rpc: the reply of {} bytes does not fit a goridge frame", body.size()));
    }
    return std::move(frame).value();
}

std::string encode_error_reply(Codec request_codec, std::uint32_t seq, std::string_view method,
                               std::string_view text) {
    // A method name longer than a frame cannot come from a decoded request; cut both anyway so
    // this never fails.
    method = method.substr(0, std::min<std::size_t>(method.size(), kMaxPayload));
    text = text.substr(0, std::min<std::size_t>(text.size(), kMaxPayload - method.size()));
    const auto flags = static_cast<std::uint8_t>(static_cast<std::uint8_t>(request_codec) |
                                                 protocol::flag::kError);
    return std::move(encode_message(flags, seq, method, text)).value();
}

std::string ill_formed_error(std::string_view method) {
    return fmt::format("rpc: service/method request ill-formed: {}", method);
}

std::string unknown_service_error(std::string_view method) {
    return fmt::format("rpc: can't find service {}", method);
}

std::string unknown_method_error(std::string_view method) {
    return fmt::format("rpc: can't find method {}", method);
}

std::string unsupported_codec_error(Codec codec) {
    return fmt::format(
        "rpc: the {} codec is not supported by this server; use json (0x08), raw (0x04) or proto "
        "(0x80)",
        codec_name(codec));
}

std::string too_large_error(std::uint64_t payload_size, std::uint64_t limit) {
    return fmt::format("rpc: request of {} bytes is over the server's limit of {} bytes",
                       payload_size, limit);
}

std::string bad_method_length_error(std::uint32_t method_length, std::uint32_t payload_size) {
    return fmt::format(
        "rpc: server cannot decode request: method length {} exceeds the payload "
        "of {} bytes",
        method_length, payload_size);
}

}  // namespace rr::rpc
