#pragma once
// Prometheus text exposition format 0.0.4 (what every Prometheus server scrapes).
//
// Output, per family (families in the order given; Registry::gather() sorts them by name):
//   # HELP <name> <help, with \ and newline escaped>      (always written, as client_golang)
//   # TYPE <name> counter|gauge|histogram|summary|untyped
//   <name>{<label>="<value>",...} <value>
// Labels are written sorted by name; `le` (histogram buckets) and `quantile` (summaries) come
// last. Label values escape \, " and newline. Histograms write cumulative `_bucket` lines
// ending with le="+Inf", then `_sum` and `_count`; summaries write one line per quantile, then
// `_sum` and `_count`. Numbers are written as Go's strconv.FormatFloat(v, 'g', -1, 64), which
// is what client_golang emits: shortest round-trip digits, exponent form when the decimal
// exponent is < -4 or >= 6 (1e+06, 1.5e-05), and +Inf, -Inf, NaN.
//
// A series whose shape does not match its family (label count, bucket count) is skipped, so a
// buggy collector cannot make the whole scrape unparsable.
//
// Thread safety: stateless, safe from any thread.

#include <span>
#include <string>
#include <string_view>

#include "metrics/snapshot.h"

namespace rr::metrics {

/// The Content-Type of write_text() output.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

/// Appends `families` in the text format.
void write_text(std::string& out, std::span<const FamilySnapshot> families);

/// Appends `v` as Go's strconv.FormatFloat(v, 'g', -1, 64), with +Inf/-Inf/NaN spelled the
/// Prometheus way.
void append_double(std::string& out, double v);

/// Appends a help text with `\` and newline escaped.
void append_escaped_help(std::string& out, std::string_view help);

/// Appends a label value with `\`, `"` and newline escaped.
void append_escaped_label_value(std::string& out, std::string_view value);

}  // namespace rr::metrics
