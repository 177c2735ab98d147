#pragma once
// Answering a scrape: the body, its Content-Type and optional gzip, for the HTTP endpoint the
// metrics plugin serves on `metrics.address`.
//
// Content negotiation: Prometheus sends e.g.
//   Accept:
//   application/openmetrics-text;version=1.0.0;q=0.5,...,text/plain;version=0.0.4;q=0.3,*/*;q=0.2
// and accepts the text format 0.0.4 whatever it listed first, so the answer is always
// kTextContentType (client_golang's promhttp answers the same unless OpenMetrics is enabled,
// which RoadRunner does not do). The body is gzipped when Accept-Encoding allows gzip.
//
// Thread safety: stateless, safe from any thread.

#include <string>
#include <string_view>

#include "metrics/expected.h"

namespace rr::metrics {

class Registry;

/// True when an Accept-Encoding header value allows gzip: "gzip" (or "x-gzip") with q > 0, or
/// "*" with q > 0 and gzip not refused. Matching is case-insensitive; entries with a malformed
/// q are ignored.
bool accepts_gzip(std::string_view accept_encoding) noexcept;

/// `data` as a gzip member (RFC 1952), default compression level. Errors only when zlib fails
/// (out of memory).
Expected<std::string> gzip_compress(std::string_view data);

struct ScrapeResponse {
    std::string body;
    std::string_view content_type;  ///< always kTextContentType
    bool gzipped = false;           ///< send "Content-Encoding: gzip"
};

/// The full answer to GET /metrics. `accept` is accepted for the interface's sake (see above).
ScrapeResponse render_scrape(const Registry& registry, std::string_view accept,
                             std::string_view accept_encoding);

}  // namespace rr::metrics
