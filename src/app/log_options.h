#pragma once
// Maps the typed `logs` section (config::LogsConfig) onto logging::LoggingOptions.
// Thread safety: pure function.

#include "config/config.h"
#include "logging/logging.h"

namespace rr::app {

/// Channels in LogsConfig are already resolved against the root by the config loader, so each
/// becomes a complete override.
logging::LoggingOptions to_logging_options(const config::LogsConfig& logs);

/// RoadRunner's level names onto spdlog's (panic is spdlog's critical).
spdlog::level::level_enum to_spdlog_level(config::LogLevel level);

}  // namespace rr::app
