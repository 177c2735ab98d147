#pragma once
// The HTTP/1.x request head parser: request line + header fields, with the framing rules that stop
// request smuggling. Pure code over bytes, no I/O (fuzzed by fuzz/http/).
//
// Strictness (each violation is a 400 unless noted; the connection then closes):
//   - every line ends in CRLF; a bare CR or bare LF anywhere in the head is refused;
//   - obs-fold (a field line starting with SP/HTAB) is refused;
//   - field names are tokens, no whitespace before ':'; values contain no CTL except HTAB;
//   - Content-Length: digits only; repeats (separate fields or a comma list) must be identical;
//   - Transfer-Encoding together with Content-Length, on HTTP/1.0, repeated, or with
//     "chunked" not the only coding is refused; a single unknown coding gives 501;
//   - HTTP/1.1 without Host, or more than one Host, is refused (as Go does);
//   - a version other than HTTP/1.x gives 505; an Expect other than 100-continue gives 417;
//   - request line + fields longer than max_head_bytes gives 431.
// Up to 8 empty lines before the request line are skipped (RFC 9112 §2.2).
//
// Thread safety: stateless functions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/fields.h"
#include "http/request_head.h"

namespace rr::http::h1 {

struct HeadLimits {
    std::size_t max_head_bytes = 1024 * 1024;  ///< request line + fields + final CRLF
};

enum class HeadStatus { kNeedMore, kComplete, kError };

struct HeadParseResult {
    HeadStatus status = HeadStatus::kNeedMore;
    std::size_t consumed = 0;        ///< kComplete: bytes of the head, incl. skipped empty lines
    int http_status = 0;             ///< kError: 400, 417, 431, 501 or 505
    rr::errc error = rr::errc::kOk;  ///< kError: kHttpBadRequest or kHttpHeadersTooLarge
    std::string_view reason;         ///< kError: short static text for logs
};

/// Parses the head at the start of `data`. Returns kNeedMore while the blank line that ends
/// the head has not arrived yet (and the limit is not exceeded). `scan_from` is a hint: bytes
/// before it are known not to contain the end of the head (pass the previous data size; 0 is
/// always correct). On kComplete `out` holds the head; on other results `out` is unspecified.
HeadParseResult parse_request_head(std::string_view data, const HeadLimits& limits,
                                   RequestHead& out, std::size_t scan_from = 0);

}  // namespace rr::http::h1
