#pragma once
// Per-process CPU figures from /proc, for `rr workers` / informer.Workers (CPUPercent).
//
// The figure is upstream's (gopsutil's Process.CPUPercent, which RoadRunner reports): the
// process's user + system CPU time divided by its wall-clock lifetime, × 100. 100 means one
// core busy for the worker's whole life; a worker that was busy for a while and then idle shows
// a slowly falling value. It needs no earlier sample, so every caller (CLI, PHP) gets the same
// answer at the same moment.
//
// Thread safety: stateless; the parsers are pure functions.

#include <optional>
#include <string_view>

#include "common/result.h"

namespace rr::process {

struct CpuSample {
    double cpu_seconds = 0;    ///< utime + stime
    double start_seconds = 0;  ///< start time, seconds after boot
};

/// Parses the text of /proc/<pid>/stat (the command name in parentheses may hold spaces and
/// parentheses). `ticks_per_second` is sysconf(_SC_CLK_TCK). nullopt when malformed.
std::optional<CpuSample> parse_proc_stat(std::string_view text, long ticks_per_second) noexcept;

/// The first number of /proc/uptime (seconds since boot). nullopt when malformed.
std::optional<double> parse_uptime(std::string_view text) noexcept;

/// 100 × cpu_seconds / (uptime − start_seconds); 0 for a process younger than 10 ms (no
/// meaningful ratio yet) or when the clock readings are inconsistent.
double lifetime_cpu_percent(const CpuSample& sample, double uptime_seconds) noexcept;

/// Reads /proc/<pid>/stat and /proc/uptime now. Errors: errno codes (ENOENT: no such process),
/// EIO for text that does not parse.
Result<double> cpu_percent(int pid) noexcept;

}  // namespace rr::process
