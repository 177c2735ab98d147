#pragma once
// Prometheus naming rules and the Go-style quoting used in error texts.
//
// Names follow the classic (pre-UTF-8) Prometheus rules, which every scraper accepts:
//   metric name  [a-zA-Z_:][a-zA-Z0-9_:]*
//   label name   [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved)
//
// Thread safety: stateless, safe from any thread.

#include <span>
#include <string>
#include <string_view>

namespace rr::metrics {

bool is_valid_metric_name(std::string_view name) noexcept;
bool is_valid_label_name(std::string_view name) noexcept;

/// True when `s` is well-formed UTF-8 (label values and help texts must be).
bool is_valid_utf8(std::string_view s) noexcept;

/// namespace_subsystem_name, skipping empty parts; "" when `name` is empty (as Go's
/// prometheus.BuildFQName).
std::string build_fq_name(std::string_view ns, std::string_view subsystem, std::string_view name);

/// `s` as Go's %q prints it: double-quoted, with \" \\ \n \t \r, other control bytes and
/// invalid UTF-8 as \xNN. Printable UTF-8 stays as is.
std::string go_quote(std::string_view s);

/// A string list as Go's %#v prints []string: []string{"a", "b"}.
std::string go_string_slice(std::span<const std::string> values);

/// A double as Go's %f prints it (6 decimals).
std::string go_fixed(double v);

}  // namespace rr::metrics
