#pragma once
// Structured key/value fields for log lines, and the level-checked helpers that carry them.
//
//   rr::logging::info(*log, "worker started", {{"pid", pid}, {"relay", "pipes"}});
//
// Console encoding renders fields as `key=value` after the message (values with spaces, quotes,
// '=' or control bytes are quoted and escaped); JSON encoding renders them as proper JSON members
// of the line object; raw mode drops them. Plain `logger->info("text")` still works (no fields).
//
// Cost: every helper checks `should_log(level)` first and returns before touching the fields, so
// a disabled level costs one comparison. Callers that build an expensive message (fmt::format)
// on a hot path check `logger.should_log(level)` themselves before formatting.
//
// Thread safety: the helpers are safe from any thread. Fields are handed to the encoder through
// a thread-local pointer during the synchronous spdlog call, which is why every logger made by
// rr::logging::Logging is synchronous (no async spdlog loggers).

#include <spdlog/logger.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace rr::logging {

/// A field value: text, signed or unsigned integer, floating point or boolean.
using FieldValue = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;

/// One key/value pair. Keys and text values are views: they must outlive the log call only.
struct Field {
    std::string_view key;
    FieldValue value;

    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    template <class T>
        requires std::is_arithmetic_v<T>
    Field(std::string_view k, T v) : key(k), value(to_value(v)) {}

private:
    template <class T>
    static FieldValue to_value(T v) {
        if constexpr (std::is_same_v<T, bool>) {
            return v;
        } else if constexpr (std::is_floating_point_v<T>) {
            return static_cast<double>(v);
        } else if constexpr (std::is_signed_v<T>) {
            return static_cast<std::int64_t>(v);
        } else {
            return static_cast<std::uint64_t>(v);
        }
    }
};

namespace detail {
/// The fields of the log call in progress on this thread (empty outside a call). Read by the
/// encoder; set only by log() below.
std::span<const Field> current_fields() noexcept;
}  // namespace detail

/// Logs `msg` with `fields` at `level` if the logger's level allows it.
void log(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view msg,
         std::initializer_list<Field> fields = {});

inline void debug(spdlog::logger& l, std::string_view msg, std::initializer_list<Field> f = {}) {
    if (l.should_log(spdlog::level::debug)) log(l, spdlog::level::debug, msg, f);
}
inline void info(spdlog::logger& l, std::string_view msg, std::initializer_list<Field> f = {}) {
    if (l.should_log(spdlog::level::info)) log(l, spdlog::level::info, msg, f);
}
inline void warn(spdlog::logger& l, std::string_view msg, std::initializer_list<Field> f = {}) {
    if (l.should_log(spdlog::level::warn)) log(l, spdlog::level::warn, msg, f);
}
inline void error(spdlog::logger& l, std::string_view msg, std::initializer_list<Field> f = {}) {
    if (l.should_log(spdlog::level::err)) log(l, spdlog::level::err, msg, f);
}

}  // namespace rr::logging
