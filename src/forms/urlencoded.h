#pragma once
// application/x-www-form-urlencoded parsing with Go's url.ParseQuery rules.
//
// Thread safety: stateless, safe from any thread.

#include <string>
#include <string_view>

#include "forms/form_tree.h"

namespace rr::forms {

/// Decodes one query component like Go's url.QueryUnescape: `+` → space, `%XX` → that byte
/// (hex digits of either case). Every other byte, including invalid UTF-8, passes through.
/// Returns false (and leaves `out` unspecified) when a `%` is not followed by two hex digits.
bool query_unescape(std::string_view in, std::string& out);

/// Parses `body` like Go's url.ParseQuery and adds each pair to `out` in order. Pairs are split
/// on `&`; empty segments are skipped; a segment without `=` is a name with an empty value.
/// A segment containing `;`, or whose name or value has a bad `%` escape, is skipped, and the
/// first such problem is returned as errc::kFormMalformed after all other pairs were added.
/// RoadRunner fails the request on that error.
boost::system::error_code parse_urlencoded(std::string_view body, FormValues& out);

/// errc::kFormMalformed when Go's ParseForm would reject this raw query string (`;` separator
/// or a bad escape). RoadRunner parses the URL query while parsing any form body, so a form
/// request with such a query fails even though the query is otherwise passed raw to PHP.
boost::system::error_code check_query_string(std::string_view raw_query);

}  // namespace rr::forms
