#pragma once
// Hex digits and %XX decoding, shared by the query/form decoders (forms, http mapping), the
// multipart RFC 2231 parameter decoder, the chunked decoder and the JSON reader.
//
// Thread safety: stateless, safe from any thread.

#include <string>
#include <string_view>

namespace rr {

/// Value of an ASCII hex digit (0-9, a-f, A-F), or -1 for any other byte.
constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Decodes every "%XX" of `in` into `out` (cleared first); with plus_as_space, '+' becomes ' '
/// (Go url.QueryUnescape), otherwise it is kept (RFC 2231 / url.PathUnescape-like). Returns
/// false for a '%' not followed by two hex digits; `out` then holds a partial result.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space);

}  // namespace rr
