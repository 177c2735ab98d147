#pragma once
// Rendering of `rr workers` (BEHAVIOUR.md §2.1): pure functions from informer.Workers data to
// text, so the layout is unit-tested without a server or a terminal.
//
// The table has upstream's columns (internal/cli/workers/render.go): PID, STATUS, EXECS
// (thousands separated), MEMORY (SI units, as go-humanize's Bytes), CPU% (two decimals),
// CREATED (relative, "3 minutes ago"); rows sorted by PID. ASCII borders, so it survives any
// terminal, log file or pipe. When a width is given and the table is wider, columns are dropped
// from the right (CREATED first) down to PID and STATUS, and a note says which.
//
// Thread safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rpc/informer_types.h"

namespace rr::cli {

struct TableOptions {
    std::size_t width = 0;    ///< terminal columns; 0 = unlimited
    bool color = false;       ///< ANSI colours for the status (a terminal without NO_COLOR)
    std::int64_t now_ns = 0;  ///< "now" for the CREATED column, Unix nanoseconds
};

/// 21630976 → "22 MB", 8300000 → "8.3 MB", 999 → "999 B" (base 1000, as go-humanize).
std::string humanize_bytes(std::uint64_t bytes);
/// 1234567 → "1,234,567".
std::string with_commas(std::uint64_t n);
/// "now", "1 second ago", "5 minutes ago", "2 hours ago", "3 days ago", ... (go-humanize's
/// RelTime buckets). A time in the future (clock skew) is "now".
std::string relative_time(std::int64_t then_ns, std::int64_t now_ns);

/// The table of one plugin's workers, each line ending in '\n' (no heading line).
std::string render_workers_table(std::vector<rpc::ProcessState> workers,
                                 const TableOptions& options);

/// "Workers of [http]:\n" + the table, or "Workers of [http]: none\n" without workers.
std::string render_plugin_workers(std::string_view plugin,
                                  const std::vector<rpc::ProcessState>& workers,
                                  const TableOptions& options);

/// Number of terminal columns `line` takes (ANSI colour sequences take none; UTF-8 sequences
/// count as one).
std::size_t visible_width(std::string_view line);

/// One screen of `rr workers -i`: each line cut to `width` visible columns (colours closed),
/// at most `height` lines (the last one then says how many were left out). 0 = no limit.
std::vector<std::string> fit_screen(std::string_view text, std::size_t width, std::size_t height);

}  // namespace rr::cli
