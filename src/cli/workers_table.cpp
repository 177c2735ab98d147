#include "cli/workers_table.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace rr::cli {

namespace {

constexpr std::string_view kReset = "\x1b[0m";

std::string_view status_color(std::string_view status) {
    if (status == "ready") return "\x1b[36m";                            // cyan
    if (status == "working") return "\x1b[32m";                          // green
    if (status == "inactive" || status == "invalid") return "\x1b[33m";  // yellow
    if (status == "stopped" || status == "errored") return "\x1b[31m";   // red
    return {};
}

struct Column {
    std::string_view title;
    std::vector<std::string> cells;        // plain text (widths are computed from these)
    std::vector<std::string_view> colors;  // per cell, may be empty
    std::size_t width = 0;
};

std::string pad_right(std::string_view text, std::size_t width) {
    std::string out(text);
    const std::size_t w = visible_width(text);
    if (w < width) out.append(width - w, ' ');
    return out;
}

std::string center(std::string_view text, std::size_t width) {
    const std::size_t w = visible_width(text);
    if (w >= width) return std::string(text);
    const std::size_t left = (width - w) / 2;
    return std::string(left, ' ') + std::string(text) + std::string(width - w - left, ' ');
}

std::string border(const std::vector<Column>& cols) {
    std::string out = "+";
    for (const auto& c : cols) out += std::string(c.width + 2, '-') + "+";
    return out + "\n";
}

std::size_t table_width(const std::vector<Column>& cols) {
    std::size_t w = 1;
    for (const auto& c : cols) w += c.width + 3;
    return w;
}

}  // namespace

std::string humanize_bytes(std::uint64_t bytes) {
    if (bytes < 10) return fmt::format("{} B", bytes);
    static constexpr std::array<std::string_view, 7> kUnits = {"B",  "kB", "MB", "GB",
                                                               "TB", "PB", "EB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1000.0 && unit + 1 < kUnits.size()) {
        value /= 1000.0;
        ++unit;
    }
    // go-humanize: rounded to one decimal first, then shown with one decimal below 10.
    value = std::floor(value * 10.0 + 0.5) / 10.0;
    if (value < 10.0 && unit > 0) return fmt::format("{:.1f} {}", value, kUnits[unit]);
    return fmt::format("{:.0f} {}", value, kUnits[unit]);
}

std::string with_commas(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string relative_time(std::int64_t then_ns, std::int64_t now_ns) {
    if (now_ns <= then_ns) return "now";
    const std::int64_t s = (now_ns - then_ns) / 1000000000;
    constexpr std::int64_t kMinute = 60, kHour = 3600, kDay = 86400, kWeek = 7 * kDay,
                           kMonth = 30 * kDay, kYear = 365 * kDay;
    auto plural = [](std::int64_t n, std::string_view unit) {
        return n == 1 ? fmt::format("1 {} ago", unit) : fmt::format("{} {}s ago", n, unit);
    };
    if (s < 1) return "now";
    if (s < kMinute) return plural(s, "second");
    if (s < kHour) return plural(s / kMinute, "minute");
    if (s < kDay) return plural(s / kHour, "hour");
    if (s < kWeek) return plural(s / kDay, "day");
    if (s < kMonth) return plural(s / kWeek, "week");
    if (s < kYear) return plural(s / kMonth, "month");
    return plural(s / kYear, "year");
}

std::size_t visible_width(std::string_view line) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c == 0x1b && i + 1 < line.size() && line[i + 1] == '[') {
            i += 2;
            while (i < line.size() && !(line[i] >= 0x40 && line[i] <= 0x7e)) ++i;
            continue;
        }
        if ((c & 0xC0) != 0x80) ++w;  // count UTF-8 lead bytes only
    }
    return w;
}

std::string render_workers_table(std::vector<rpc::ProcessState> workers,
                                 const TableOptions& options) {
    std::sort(workers.begin(), workers.end(),
              [](const auto& a, const auto& b) { return a.pid < b.pid; });
    std::vector<Column> cols = {{"PID", {}, {}, 0},   {"STATUS", {}, {}, 0},
                                {"EXECS", {}, {}, 0}, {"MEMORY", {}, {}, 0},
                                {"CPU%", {}, {}, 0},  {"CREATED", {}, {}, 0}};
    for (const auto& w : workers) {
        cols[0].cells.push_back(std::to_string(w.pid));
        cols[1].cells.push_back(w.status_str);
        cols[1].colors.push_back(options.color ? status_color(w.status_str) : std::string_view{});
        cols[2].cells.push_back(with_commas(w.num_execs));
        cols[3].cells.push_back(humanize_bytes(w.memory_usage));
        cols[4].cells.push_back(fmt::format("{:.2f}", w.cpu_percent));
        cols[5].cells.push_back(relative_time(w.created, options.now_ns));
    }
    for (auto& c : cols) {
        c.width = visible_width(c.title);
        for (const auto& cell : c.cells) c.width = std::max(c.width, visible_width(cell));
    }

    // Too wide for the terminal: drop columns from the right, keeping PID and STATUS.
    std::vector<std::string_view> dropped;
    while (options.width > 0 && cols.size() > 2 && table_width(cols) > options.width) {
        dropped.insert(dropped.begin(), cols.back().title);
        cols.pop_back();
    }

    std::string out = border(cols);
    out += "|";
    for (const auto& c : cols) out += " " + center(c.title, c.width) + " |";
    out += "\n" + border(cols);
    for (std::size_t row = 0; row < workers.size(); ++row) {
        out += "|";
        for (const auto& c : cols) {
            const std::string_view color = row < c.colors.size() ? c.colors[row] : "";
            const std::string cell = pad_right(c.cells[row], c.width);
            out += " ";
            out += color.empty() ? cell
                                 : std::string(color) + c.cells[row] + std::string(kReset) +
                                       std::string(c.width - visible_width(c.cells[row]), ' ');
            out += " |";
        }
        out += "\n";
    }
    out += border(cols);
    if (!dropped.empty())
        out += fmt::format("({} not shown: terminal too narrow)\n", fmt::join(dropped, ", "));
    return out;
}

std::string render_plugin_workers(std::string_view plugin,
                                  const std::vector<rpc::ProcessState>& workers,
                                  const TableOptions& options) {
    if (workers.empty()) return fmt::format("Workers of [{}]: none\n", plugin);
    return fmt::format("Workers of [{}]:\n", plugin) + render_workers_table(workers, options);
}

std::vector<std::string> fit_screen(std::string_view text, std::size_t width, std::size_t height) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::size_t stop = end == std::string_view::npos ? text.size() : end;
        lines.emplace_back(text.substr(start, stop - start));
        start = stop + 1;
    }
    if (width > 0) {
        for (auto& line : lines) {
            if (visible_width(line) <= width) continue;
            // Cut at `width` visible columns, keeping escape sequences whole.
            std::string cut;
            std::size_t w = 0;
            bool colored = false;
            for (std::size_t i = 0; i < line.size();) {
                const auto c = static_cast<unsigned char>(line[i]);
                if (c == 0x1b && i + 1 < line.size() && line[i + 1] == '[') {
                    std::size_t j = i + 2;
                    while (j < line.size() && !(line[j] >= 0x40 && line[j] <= 0x7e)) ++j;
                    cut.append(line, i, j + 1 - i);
                    colored = true;
                    i = j + 1;
                    continue;
                }
                if ((c & 0xC0) != 0x80) {
                    if (w == width) break;
                    ++w;
                }
                cut += line[i++];
            }
            if (colored) cut += kReset;
            line = std::move(cut);
        }
    }
    if (height > 0 && lines.size() > height) {
        const std::size_t left_out = lines.size() - (height - 1);
        lines.resize(height - 1);
        std::string more = fmt::format("... {} more lines (enlarge the terminal)", left_out);
        if (width > 0 && more.size() > width) more.resize(width);
        lines.push_back(std::move(more));
    }
    return lines;
}

}  // namespace rr::cli
