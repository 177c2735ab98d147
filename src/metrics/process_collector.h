#pragma once
// The process_* metrics every Prometheus client exposes, for the rr process itself, with
// client_golang's names and types:
//   process_cpu_seconds_total         counter  user + system CPU time
//   process_resident_memory_bytes     gauge    RSS
//   process_virtual_memory_bytes      gauge    VSZ
//   process_virtual_memory_max_bytes  gauge    RLIMIT_AS soft limit (unlimited = 2^64 - 1)
//   process_start_time_seconds        gauge    start time, Unix seconds
//   process_open_fds                  gauge    entries of /proc/self/fd
//   process_max_fds                   gauge    RLIMIT_NOFILE soft limit
// Read from /proc at scrape time (Linux only); a metric whose source cannot be read is left out
// of that scrape, as client_golang does.
//
// Thread safety: collect() is safe from any thread.

#include <cstdint>
#include <optional>
#include <string_view>

#include "metrics/snapshot.h"

namespace rr::metrics {

/// The fields of /proc/<pid>/stat the collector uses.
struct ProcStat {
    std::uint64_t utime_ticks = 0;
    std::uint64_t stime_ticks = 0;
    std::uint64_t start_ticks = 0;  ///< since boot
    std::uint64_t vsize_bytes = 0;
    std::int64_t rss_pages = 0;
};

/// Parses the contents of /proc/<pid>/stat (the command name may contain spaces and parens).
std::optional<ProcStat> parse_proc_stat(std::string_view text);

/// The boot time (the `btime` line, Unix seconds) from the contents of /proc/stat.
std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat);

class ProcessCollector final : public Collector {
public:
    ProcessCollector();

    std::vector<std::string> describe() const override;
    void collect(std::vector<FamilySnapshot>& out) const override;

private:
    std::optional<std::uint64_t> boot_time_;  // read once
    long ticks_per_second_;
    long page_size_;
};

}  // namespace rr::metrics
