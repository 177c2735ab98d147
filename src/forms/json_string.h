#pragma once
// JSON string output for the form and upload trees: Go encoding/json rules, implemented once in
// common/json_string.h (shared with the log encoder).
//
// Thread safety: stateless, safe from any thread.

#include <string>
#include <string_view>

#include "common/json_string.h"
#include "common/utf8.h"

namespace rr::forms {

/// Appends `s` to `out` as a quoted JSON string, escaped the way Go's encoding/json does it:
/// `"` and `\` are escaped, control bytes become \n, \r, \t, \b, \f or \u00XX, `<`, `>`, `&`,
/// U+2028 and U+2029 become \u escapes, and every byte that does not start a valid UTF-8
/// sequence becomes \ufffd. The output is therefore always valid UTF-8 JSON, which PHP's
/// json_decode needs (it rejects invalid UTF-8).
inline void append_json_string(std::string& out, std::string_view s) {
    out.reserve(out.size() + s.size() + 2);
    rr::append_json_string(out, s, kGoJsonString);
}

}  // namespace rr::forms
