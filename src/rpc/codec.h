#pragma once
// Goridge RPC messages (docs/rpc.md; ../shared/spec/PROTOCOL.md §5.2): pure functions over bytes.
//
// A request and its reply have the same layout: a goridge frame with exactly two option words
// [seq, method_length] and the payload method ‖ body. The flags byte carries the body's codec;
// a reply uses the request's codec, plus the ERROR flag (0x40) when the body is an error text.
//
// No I/O and no Asio here: this translation unit is what the fuzzer links (fuzz/rpc/).
// Thread safety: stateless, safe from any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "protocol/frame.h"

namespace rr::rpc {

/// The body codecs of goridge RPC (the flag bits of protocol::flag).
enum class Codec : std::uint8_t {
    kRaw = 0x04,
    kJson = 0x08,
    kMsgpack = 0x10,
    kGob = 0x20,
    kProto = 0x80,
};

/// The codec a request's flags select, in the order goridge's server checks them: proto, JSON,
/// raw, msgpack, gob; flags without any codec bit mean gob (Go's fallback).
Codec codec_from_flags(std::uint8_t flags) noexcept;

/// "json", "raw", "proto", "msgpack", "gob".
std::string_view codec_name(Codec codec) noexcept;

/// JSON, raw and proto bodies are handed to methods; gob and msgpack are answered with
/// unsupported_codec_error() (we implement neither encoding).
bool is_supported(Codec codec) noexcept;

/// A decoded RPC request or reply: views into the frame's input bytes.
struct Message {
    std::uint32_t seq = 0;
    std::uint8_t flags = 0;
    std::string_view method;  ///< "Service.Method" (not validated here)
    std::string_view body;    ///< the encoded argument / result, or the error text

    Codec codec() const noexcept { return codec_from_flags(flags); }
    bool is_error() const noexcept { return (flags & protocol::flag::kError) != 0; }
};

/// Splits a decoded frame into an RPC message.
/// Errors: kRpcBadOptions (not exactly 2 options), kRpcBadMethodLength (options[1] > payload).
Result<Message> decode_message(const protocol::FrameView& frame) noexcept;

/// Decodes a whole RPC frame at bytes[0] (header, CRC, options, payload).
/// Errors: those of protocol::decode_frame and of decode_message(frame).
Result<Message> decode_message_frame(std::span<const std::byte> bytes, std::size_t max_payload,
                                     std::size_t* consumed = nullptr) noexcept;

/// The whole frame of a message with options [seq, len(method)] and payload method ‖ body.
/// Errors: kFrameTooLarge when method + body do not fit the 32-bit length field.
Result<std::string> encode_message(std::uint8_t flags, std::uint32_t seq, std::string_view method,
                                   std::string_view body);

/// A reply to `request_codec`'s request: flags = that codec's bit, body as given. A reply that
/// does not fit a frame turns into an error reply saying so.
std::string encode_reply(Codec request_codec, std::uint32_t seq, std::string_view method,
                         std::string_view body);

/// An error reply: flags = codec bit | ERROR, payload = method ‖ text (as goridge writes it;
/// PHP shows it as ServiceException "Error '<text>' on <relay>"). The text is cut to fit.
std::string encode_error_reply(Codec request_codec, std::uint32_t seq, std::string_view method,
                               std::string_view text);

// --- Error texts. The first three are Go net/rpc's, byte for byte. ---

/// "rpc: service/method request ill-formed: <method>" (no dot in the name).
std::string ill_formed_error(std::string_view method);
/// "rpc: can't find service <method>".
std::string unknown_service_error(std::string_view method);
/// "rpc: can't find method <method>".
std::string unknown_method_error(std::string_view method);
/// Ours: which codec was used and which ones this server speaks.
std::string unsupported_codec_error(Codec codec);
/// Ours: a request whose payload is over the server's limit (the payload was discarded).
std::string too_large_error(std::uint64_t payload_size, std::uint64_t limit);
/// Ours: method length beyond the payload (Go's server would panic on it).
std::string bad_method_length_error(std::uint32_t method_length, std::uint32_t payload_size);

}  // namespace rr::rpc
