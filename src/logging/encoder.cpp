#include "logging/encoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>

#include "common/json_string.h"

namespace rr::logging {
namespace {

void append(spdlog::memory_buf_t& out, std::string_view text) {
    out.append(text.data(), text.data() + text.size());
}

std::string lower(std::string_view text) {
    std::string s(text);
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string_view upper_level_name(spdlog::level::level_enum level) noexcept {
    switch (level) {
        case spdlog::level::trace:
        case spdlog::level::debug: return "DEBUG";
        case spdlog::level::info: return "INFO";
        case spdlog::level::warn: return "WARN";
        case spdlog::level::err: return "ERROR";
        case spdlog::level::critical: return "PANIC";
        default: return "";
    }
}

std::string_view level_color(spdlog::level::level_enum level) noexcept {
    switch (level) {
        case spdlog::level::trace:
        case spdlog::level::debug: return "\033[35m";  // magenta, as upstream
        case spdlog::level::info: return "\033[34m";   // blue
        case spdlog::level::warn: return "\033[33m";   // yellow
        default: return "\033[31m";                    // red
    }
}

void append_json_value(spdlog::memory_buf_t& out, const FieldValue& value) {
    std::visit(
        [&out](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>) {
                append_json_string(out, v);
            } else if constexpr (std::is_same_v<T, bool>) {
                append(out, v ? "true" : "false");
            } else if constexpr (std::is_same_v<T, double>) {
                // JSON has no NaN/Inf: write them as strings.
                if (v != v || v == 1.0 / 0.0 || v == -1.0 / 0.0) {
                    append_json_string(out, fmt::format("{}", v));
                } else {
                    fmt::format_to(std::back_inserter(out), "{}", v);
                }
            } else {
                // Integers: no format string to parse (fmt::format_to cost ~400 instructions a
                // number, four or five a request log line).
                const fmt::format_int text(v);
                out.append(text.data(), text.data() + text.size());
            }
        },
        value);
}

bool needs_quotes(std::string_view text) noexcept {
    if (text.empty()) return true;
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || c == '"' || c == '=' || c == '\\' || u == 0x7F;
    });
}

void append_console_value(spdlog::memory_buf_t& out, const FieldValue& value) {
    if (const auto* text = std::get_if<std::string_view>(&value)) {
        if (needs_quotes(*text)) {
            append_json_string(out, *text);
        } else {
            append(out, *text);
        }
        return;
    }
    append_json_value(out, value);
}

void encode_json(const EncoderOptions& options, const spdlog::details::log_msg& msg,
                 std::span<const Field> fields, spdlog::memory_buf_t& out) {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    append(out, "{");
    if (options.mode != Mode::kRaw) {
        append(out, "\"level\":\"");
        append(out, level_name(msg.level));
        const auto nanos =
            std::chrono::duration_cast<std::chrono::nanoseconds>(msg.time.time_since_epoch());
        append(out, "\",\"ts\":");
        const fmt::format_int ts(nanos.count());
        out.append(ts.data(), ts.data() + ts.size());
        if (msg.logger_name.size() != 0) {
            append(out, ",\"logger\":");
            append_json_string(out, {msg.logger_name.data(), msg.logger_name.size()});
        }
        append(out, ",");
    }
    append(out, "\"msg\":");
    append_json_string(out, payload);
    for (const Field& f : fields) {
        append(out, ",");
        append_json_string(out, f.key);
        append(out, ":");
        append_json_value(out, f.value);
    }
    append(out, "}");
}

void encode_console(const EncoderOptions& options, const spdlog::details::log_msg& msg,
                    std::span<const Field> fields, spdlog::memory_buf_t& out) {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (options.mode == Mode::kRaw) {
        append(out, payload);
        return;
    }
    const auto since_epoch = msg.time.time_since_epoch();
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - secs).count();
    const std::time_t t = secs.count();
    std::tm tm{};
    gmtime_r(&t, &tm);
    fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\t",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                   tm.tm_sec, millis);
    if (options.color) append(out, level_color(msg.level));
    append(out, upper_level_name(msg.level));
    if (options.color) append(out, "\033[0m");
    append(out, "\t");
    if (msg.logger_name.size() != 0) {
        append(out, {msg.logger_name.data(), msg.logger_name.size()});
        append(out, "\t");
    }
    append(out, payload);
    bool first = true;
    for (const Field& f : fields) {
        append(out, first ? "\t" : " ");
        first = false;
        append(out, f.key);
        append(out, "=");
        append_console_value(out, f.value);
    }
}

}  // namespace

Encoding default_encoding(Mode mode) noexcept {
    return mode == Mode::kProduction ? Encoding::kJson : Encoding::kConsole;
}

void encode(const EncoderOptions& options, const spdlog::details::log_msg& msg,
            std::span<const Field> fields, spdlog::memory_buf_t& out) {
    if (options.encoding == Encoding::kJson) {
        encode_json(options, msg, fields, out);
    } else {
        encode_console(options, msg, fields, out);
    }
    append(out, options.line_ending);
}

void append_json_string(spdlog::memory_buf_t& out, std::string_view text) {
    rr::append_json_string(out, text, kZapJsonString);
}

std::string_view level_name(spdlog::level::level_enum level) noexcept {
    switch (level) {
        case spdlog::level::trace:
        case spdlog::level::debug: return "debug";
        case spdlog::level::info: return "info";
        case spdlog::level::warn: return "warn";
        case spdlog::level::err: return "error";
        case spdlog::level::critical: return "panic";
        default: return "";
    }
}

std::optional<spdlog::level::level_enum> parse_level(std::string_view text) noexcept {
    const std::string s = lower(text);
    if (s == "debug") return spdlog::level::debug;
    if (s == "info") return spdlog::level::info;
    if (s == "warn" || s == "warning") return spdlog::level::warn;
    if (s == "error") return spdlog::level::err;
    if (s == "dpanic" || s == "panic" || s == "fatal") return spdlog::level::critical;
    return std::nullopt;
}

std::optional<Mode> parse_mode(std::string_view text) noexcept {
    const std::string s = lower(text);
    if (s == "development") return Mode::kDevelopment;
    if (s == "production") return Mode::kProduction;
    if (s == "raw") return Mode::kRaw;
    if (s == "off" || s == "none") return Mode::kOff;
    return std::nullopt;
}

std::optional<Encoding> parse_encoding(std::string_view text) noexcept {
    const std::string s = lower(text);
    if (s == "console") return Encoding::kConsole;
    if (s == "json") return Encoding::kJson;
    return std::nullopt;
}

}  // namespace rr::logging
