#include "process/proc_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "transport/unique_fd.h"

namespace rr::process {

namespace {

using transport::UniqueFd;

/// Reads a small /proc file whole. Errors: errno codes.
Result<std::string> read_small(const char* path) noexcept {
    UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
    if (!fd) return boost::system::error_code(errno, boost::system::system_category());
    std::string out;
    char buf[1024];
    while (true) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return boost::system::error_code(errno, boost::system::system_category());
        }
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
        if (out.size() > 64 * 1024) break;  // /proc/<pid>/stat is well under 1 KiB
    }
    return out;
}

/// The next space-separated token of `s` from `pos` (advances `pos`).
std::string_view next_token(std::string_view s, std::size_t& pos) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] != ' ' && s[pos] != '\n') ++pos;
    return s.substr(start, pos - start);
}

bool to_u64(std::string_view t, unsigned long long& out) {
    if (t.empty()) return false;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc{} && end == t.data() + t.size();
}

}  // namespace

std::optional<CpuSample> parse_proc_stat(std::string_view text, long ticks_per_second) noexcept {
    if (ticks_per_second <= 0) return std::nullopt;
    // "pid (comm) state ppid ...": comm is whatever the process named itself, so the fields
    // start after the LAST ')'.
    const std::size_t close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::size_t pos = close + 1;
    // Field 3 (state) is token 0 after ')'; utime = field 14, stime = 15, starttime = 22.
    unsigned long long utime = 0, stime = 0, start = 0;
    for (int token = 0; token <= 19; ++token) {
        const std::string_view t = next_token(text, pos);
        if (t.empty()) return std::nullopt;
        if (token == 11 && !to_u64(t, utime)) return std::nullopt;
        if (token == 12 && !to_u64(t, stime)) return std::nullopt;
        if (token == 19 && !to_u64(t, start)) return std::nullopt;
    }
    const double tps = static_cast<double>(ticks_per_second);
    return CpuSample{static_cast<double>(utime + stime) / tps, static_cast<double>(start) / tps};
}

std::optional<double> parse_uptime(std::string_view text) noexcept {
    std::size_t pos = 0;
    const std::string_view t = next_token(text, pos);
    if (t.empty()) return std::nullopt;
    const std::string copy(t);
    char* end = nullptr;
    const double v = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || v < 0) return std::nullopt;
    return v;
}

double lifetime_cpu_percent(const CpuSample& sample, double uptime_seconds) noexcept {
    const double alive = uptime_seconds - sample.start_seconds;
    if (alive < 0.01 || sample.cpu_seconds < 0) return 0;
    return 100.0 * sample.cpu_seconds / alive;
}

Result<double> cpu_percent(int pid) noexcept {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    auto stat = read_small(path);
    if (!stat) return stat.error();
    auto uptime_text = read_small("/proc/uptime");
    if (!uptime_text) return uptime_text.error();
    const auto sample = parse_proc_stat(stat.value(), ::sysconf(_SC_CLK_TCK));
    const auto uptime = parse_uptime(uptime_text.value());
    if (!sample || !uptime) {
        return boost::system::error_code(EIO, boost::system::system_category());
    }
    return lifetime_cpu_percent(*sample, *uptime);
}

}  // namespace rr::process
