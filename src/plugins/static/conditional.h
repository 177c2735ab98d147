#pragma once
// Conditional and range requests for static files, with the semantics of Go's
// http.ServeContent (which upstream's static middleware calls): If-Match, If-Unmodified-Since,
// If-None-Match, If-Modified-Since, If-Range and Range (RFC 9110 §13, §14).
// Pure code over bytes (fuzzed by fuzz/middleware/). Thread safety: stateless.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rr::plugins {

/// One satisfiable byte range of a representation of known size.
struct ByteRange {
    std::uint64_t start = 0;
    std::uint64_t length = 0;
};

enum class RangeStatus {
    kOk,         ///< `ranges` holds at least one range
    kInvalid,    ///< malformed header: Go answers 416 "invalid range"
    kNoOverlap,  ///< no range overlaps the body: 416 with Content-Range "bytes */size"
};

/// Most ranges one request may ask for; more and the Range header is ignored (200 with the
/// whole body), so a client cannot make us build a huge multipart response of tiny parts.
inline constexpr std::size_t kMaxRanges = 100;

/// Parses a Range header value ("bytes=0-99,200-", "bytes=-500") against a body of `size`
/// bytes, as Go's parseRange: ranges are clipped to the body, a start beyond it is skipped
/// (kNoOverlap when none is left), an empty suffix range ("-0") is unsatisfiable. kOk with no
/// ranges means "send the whole body": more than kMaxRanges, or ranges adding up to more than
/// the body (overlaps), as Go ignores those.
RangeStatus parse_range(std::string_view header, std::uint64_t size, std::vector<ByteRange>& out);

/// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate), RFC 850 and asctime forms, as Go's
/// http.ParseTime; seconds since the epoch, or nullopt.
std::optional<std::int64_t> parse_http_date(std::string_view text);

/// The request fields the decision reads (absent = empty view).
struct ConditionalRequest {
    std::string_view method = {};
    std::string_view if_match = {};
    std::string_view if_unmodified_since = {};
    std::string_view if_none_match = {};
    std::string_view if_modified_since = {};
    std::string_view if_range = {};
    std::string_view range = {};
};

/// What the representation offers to compare against.
struct Validators {
    std::string_view etag;   ///< the ETag we send ("" = none); W/ prefix for weak ones
    std::int64_t mtime = 0;  ///< Last-Modified, whole seconds since the epoch (0 = none)
};

enum class Precondition {
    kProceed,             ///< send the representation (ranges as `use_range` says)
    kNotModified,         ///< 304
    kPreconditionFailed,  ///< 412
};

struct ConditionalResult {
    Precondition outcome = Precondition::kProceed;
    /// kProceed only: the Range header applies (present, and If-Range, if any, matched).
    bool use_range = false;
};

/// Go's checkPreconditions: If-Match (strong comparison) or else If-Unmodified-Since → 412;
/// If-None-Match (weak comparison) → 304 for GET/HEAD, else 412; or else If-Modified-Since →
/// 304 (GET/HEAD only); If-Range (strong ETag, or the exact Last-Modified second) decides
/// whether Range is used.
ConditionalResult evaluate_conditions(const ConditionalRequest& request,
                                      const Validators& validators);

}  // namespace rr::plugins
