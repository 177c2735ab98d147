#include "app/log_options.h"

namespace rr::app {
namespace {

logging::Mode to_mode(config::LogMode m) {
    switch (m) {
        case config::LogMode::kDevelopment:
            return logging::Mode::kDevelopment;
        case config::LogMode::kProduction:
            return logging::Mode::kProduction;
        case config::LogMode::kRaw:
            return logging::Mode::kRaw;
        case config::LogMode::kOff:
            return logging::Mode::kOff;
    }
    return logging::Mode::kDevelopment;
}

}  // namespace

spdlog::level::level_enum to_spdlog_level(config::LogLevel l) {
    switch (l) {
        case config::LogLevel::kDebug:
            return spdlog::level::debug;
        case config::LogLevel::kInfo:
            return spdlog::level::info;
        case config::LogLevel::kWarn:
            return spdlog::level::warn;
        case config::LogLevel::kError:
            return spdlog::level::err;
        case config::LogLevel::kPanic:
            return spdlog::level::critical;
    }
    return spdlog::level::debug;
}

namespace {

std::optional<logging::Encoding> to_encoding(const std::optional<config::LogEncoding>& e) {
    if (!e) return std::nullopt;
    return *e == config::LogEncoding::kJson ? logging::Encoding::kJson
                                            : logging::Encoding::kConsole;
}

std::optional<logging::FileRotation> to_rotation(
    const std::optional<config::FileLoggerOptions>& f) {
    if (!f) return std::nullopt;
    return logging::FileRotation{f->log_output, f->max_size_mb, f->max_backups, f->max_age_days,
                                 f->compress};
}

logging::ChannelSettings to_settings(const config::LogSettings& s) {
    logging::ChannelSettings out;
    out.mode = to_mode(s.mode);
    out.level = to_spdlog_level(s.level);
    out.encoding = to_encoding(s.encoding);
    out.line_ending = s.line_ending.empty() ? "\n" : s.line_ending;
    out.output = s.output.empty() ? std::vector<std::string>{"stderr"} : s.output;
    out.err_output = s.err_output.empty() ? std::vector<std::string>{"stderr"} : s.err_output;
    out.file = to_rotation(s.file_logger_options);
    return out;
}

}  // namespace

logging::LoggingOptions to_logging_options(const config::LogsConfig& logs) {
    logging::LoggingOptions options;
    options.root = to_settings(logs);
    for (const auto& [name, channel] : logs.channels) {
        const logging::ChannelSettings s = to_settings(channel);
        logging::ChannelOverride o;
        o.mode = s.mode;
        o.level = s.level;
        o.encoding = s.encoding;
        o.line_ending = s.line_ending;
        o.output = s.output;
        o.err_output = s.err_output;
        o.file = s.file;
        options.channels.emplace(name, std::move(o));
    }
    return options;
}

}  // namespace rr::app
