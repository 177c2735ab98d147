#pragma once
// JSON string output for the form and upload trees.
//
// Thread safety: stateless, safe from any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace rr::forms {

/// Appends `s` to `out` as a quoted JSON string, escaped the way Go's encoding/json does it:
/// `"` and `\` are escaped, control bytes become \n, \r, \t, \b, \f or \u00XX, `<`, `>`, `&`,
/// U+2028 and U+2029 become \u escapes, and every byte that does not start a valid UTF-8
/// sequence becomes \ufffd. The output is therefore always valid UTF-8 JSON, which PHP's
/// json_decode needs (it rejects invalid UTF-8).
void append_json_string(std::string& out, std::string_view s);

/// Length (1..4) of the valid UTF-8 sequence that starts at `s[0]`, or 0 when `s` is empty or
/// the bytes there are not valid UTF-8 (overlong forms, surrogates and values above U+10FFFF
/// are invalid, as in Go's utf8.DecodeRune).
std::size_t utf8_sequence_length(std::string_view s) noexcept;

}  // namespace rr::forms
