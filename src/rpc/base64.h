#pragma once
// Standard base64 with padding (RFC 4648 §4), as Go's encoding/json uses for []byte values:
// an RPC method that takes or returns bytes sees them as a base64 JSON string under the JSON
// codec (PROTOCOL.md §5.3).
//
// Thread safety: stateless.

#include <optional>
#include <string>
#include <string_view>

namespace rr::rpc {

std::string base64_encode(std::string_view bytes);

/// Strict decoding: padding required, '\r' and '\n' skipped (as Go), anything else outside the
/// alphabet, or non-zero trailing bits, is an error (nullopt).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace rr::rpc
