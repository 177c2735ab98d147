#include "metrics/process_collector.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace rr::metrics {

namespace {

constexpr std::string_view kCpu = "process_cpu_seconds_total";
constexpr std::string_view kResident = "process_resident_memory_bytes";
constexpr std::string_view kVirtual = "process_virtual_memory_bytes";
constexpr std::string_view kVirtualMax = "process_virtual_memory_max_bytes";
constexpr std::string_view kStart = "process_start_time_seconds";
constexpr std::string_view kOpenFds = "process_open_fds";
constexpr std::string_view kMaxFds = "process_max_fds";

std::optional<std::string> read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

template <class T>
bool parse_number(std::string_view s, T& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

std::optional<std::uint64_t> count_open_fds() {
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) return std::nullopt;
    std::uint64_t n = 0;
    while (const dirent* e = readdir(dir)) {
        const std::string_view name = e->d_name;
        if (name != "." && name != "..") ++n;
    }
    closedir(dir);
    return n > 0 ? n - 1 : 0;  // the directory stream's own descriptor
}

std::optional<double> soft_limit(int resource) {
    rlimit rl{};
    if (getrlimit(resource, &rl) != 0) return std::nullopt;
    return static_cast<double>(static_cast<std::uint64_t>(rl.rlim_cur));
}

void add_one(std::vector<FamilySnapshot>& out, std::string_view name, std::string_view help,
             MetricType type, double v) {
    FamilySnapshot& f = out.emplace_back();
    f.name = name;
    f.help = help;
    f.type = type;
    f.add({}, v);
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
    // "pid (comm) state ppid ...": comm ends at the last ')'.
    const std::size_t close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::vector<std::string_view> fields;  // fields[0] is field 3 (state) of proc(5)
    std::string_view rest = text.substr(close + 1);
    while (!rest.empty()) {
        const std::size_t start = rest.find_first_not_of(" \n");
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        const std::size_t end = rest.find_first_of(" \n");
        fields.push_back(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    }
    auto field = [&](std::size_t number) { return fields[number - 3]; };
    if (fields.size() < 22) return std::nullopt;
    ProcStat s;
    if (!parse_number(field(14), s.utime_ticks) || !parse_number(field(15), s.stime_ticks) ||
        !parse_number(field(22), s.start_ticks) || !parse_number(field(23), s.vsize_bytes) ||
        !parse_number(field(24), s.rss_pages)) {
        return std::nullopt;
    }
    return s;
}

std::optional<std::uint64_t> parse_boot_time(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if (!line.starts_with("btime ")) continue;
        line.remove_prefix(6);
        while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
        std::uint64_t v = 0;
        if (parse_number(line, v)) return v;
        return std::nullopt;
    }
    return std::nullopt;
}

ProcessCollector::ProcessCollector()
    : ticks_per_second_(sysconf(_SC_CLK_TCK)), page_size_(sysconf(_SC_PAGESIZE)) {
    if (auto text = read_file("/proc/stat")) boot_time_ = parse_boot_time(*text);
}

std::vector<std::string> ProcessCollector::describe() const {
    return {std::string(kCpu),        std::string(kResident), std::string(kVirtual),
            std::string(kVirtualMax), std::string(kStart),    std::string(kOpenFds),
            std::string(kMaxFds)};
}

void ProcessCollector::collect(std::vector<FamilySnapshot>& out) const {
    if (auto text = read_file("/proc/self/stat")) {
        if (auto s = parse_proc_stat(*text); s && ticks_per_second_ > 0) {
            const double tps = static_cast<double>(ticks_per_second_);
            add_one(out, kCpu, "User and system CPU time used by the process, in seconds.",
                    MetricType::kCounter,
                    static_cast<double>(s->utime_ticks + s->stime_ticks) / tps);
            add_one(out, kResident, "Resident set size of the process, in bytes.",
                    MetricType::kGauge,
                    static_cast<double>(s->rss_pages) * static_cast<double>(page_size_));
            add_one(out, kVirtual, "Virtual memory size of the process, in bytes.",
                    MetricType::kGauge, static_cast<double>(s->vsize_bytes));
            if (boot_time_) {
                add_one(
                    out, kStart, "When the process started, in seconds since the Unix epoch.",
                    MetricType::kGauge,
                    static_cast<double>(*boot_time_) + static_cast<double>(s->start_ticks) / tps);
            }
        }
    }
    if (auto n = count_open_fds()) {
        add_one(out, kOpenFds, "File descriptors the process has open.", MetricType::kGauge,
                static_cast<double>(*n));
    }
    if (auto v = soft_limit(RLIMIT_NOFILE)) {
        add_one(out, kMaxFds, "Limit on open file descriptors (soft RLIMIT_NOFILE).",
                MetricType::kGauge, *v);
    }
    if (auto v = soft_limit(RLIMIT_AS)) {
        add_one(out, kVirtualMax, "Limit on virtual memory, in bytes (soft RLIMIT_AS).",
                MetricType::kGauge, *v);
    }
}

}  // namespace rr::metrics
