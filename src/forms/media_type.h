#pragma once
// Media type / Content-Disposition parsing with the rules of Go's mime.ParseMediaType, which
// RoadRunner uses for the request Content-Type and for each multipart part's headers.
//
// Thread safety: stateless, safe from any thread.

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace rr::forms {

struct MediaType {
    std::string type;                           ///< lower-cased, e.g. "multipart/form-data"
    std::map<std::string, std::string> params;  ///< lower-cased names → decoded values

    /// The parameter's value, or nullptr when absent.
    const std::string* param(std::string_view name) const;
};

/// Parses `type/subtype; name=value; name="quoted"` (also `form-data; name=...`):
/// - the type is lower-cased and must be a token, optionally `/` and a token;
/// - parameter names are lower-cased; values are tokens or quoted strings; inside quotes a
///   backslash escapes only a tspecial character, otherwise it stays literal (MSIE paths);
/// - RFC 2231: `name*=utf-8''%e2%82%ac` (utf-8 or us-ascii only) and continuations `name*0`,
///   `name*1*`..., which replace a plain `name`;
/// - a trailing `;` is allowed.
/// Errors: errc::kFormMalformed for a bad type, a bad parameter, or one name given twice with
/// different values.
Result<MediaType> parse_media_type(std::string_view value);

}  // namespace rr::forms
