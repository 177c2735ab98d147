#pragma once
// Renders one log record (spdlog message + structured fields) into bytes, in one of the
// formats of the `logs` section (docs/logging.md):
//   console: `2026-11-27T02:35:27.123Z  INFO  http  message  key=value key2="a b"` (tab-separated,
//            UTC time, level optionally ANSI-coloured)
//   json:    `{"level":"info","ts":1700000000123456789,"logger":"http","msg":"message","key":"v"}`
//            (ts = epoch nanoseconds; fields become members; strings JSON-escaped, bad UTF-8
//            replaced by U+FFFD)
//   raw:     the message only, nothing else (worker stderr passes through untouched)
// Every record ends with the configured line ending.
//
// Thread safety: pure functions; safe from any thread.

#include "logging/fields.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/common.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rr::logging {

/// `logs.mode`. kOff covers both `off` and `none`.
enum class Mode { kDevelopment, kProduction, kRaw, kOff };

/// `logs.encoding`.
enum class Encoding { kConsole, kJson };

struct EncoderOptions {
    Mode mode = Mode::kDevelopment;
    Encoding encoding = Encoding::kConsole;
    bool color = false;             ///< ANSI colour on the level (console encoding only)
    std::string line_ending = "\n";
};

/// The encoding a mode uses when `logs.encoding` is not set.
Encoding default_encoding(Mode mode) noexcept;

/// Appends the rendered record to `out`.
void encode(const EncoderOptions& options, const spdlog::details::log_msg& msg,
            std::span<const Field> fields, spdlog::memory_buf_t& out);

/// Appends `text` as a quoted JSON string: `"`, `\`, control bytes and DEL escaped, invalid UTF-8
/// sequences replaced by U+FFFD so the line stays valid JSON (rr::append_json_string with
/// kZapJsonString, common/json_string.h).
void append_json_string(spdlog::memory_buf_t& out, std::string_view text);

/// Lower-case level name as written in JSON (`debug`, `info`, `warn`, `error`, `panic`).
std::string_view level_name(spdlog::level::level_enum level) noexcept;

/// Parses `debug|info|warn|warning|error|dpanic|panic|fatal` (case-insensitive).
std::optional<spdlog::level::level_enum> parse_level(std::string_view text) noexcept;

/// Parses `development|production|raw|off|none` (case-insensitive).
std::optional<Mode> parse_mode(std::string_view text) noexcept;

/// Parses `console|json` (case-insensitive).
std::optional<Encoding> parse_encoding(std::string_view text) noexcept;

}  // namespace rr::logging
