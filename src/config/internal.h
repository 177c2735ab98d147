#pragma once
// Internal to config/: the decoders of the app's own sections (`logs`, `endure`) and `.env`
// loading. Plugins decode their sections themselves (config/reader.h).

#include <string>

#include "config/config.h"
#include "config/reader.h"

namespace rr::config::detail {

/// Loads KEY=VALUE lines into the process environment; keeps variables already set.
void load_dotenv(const std::string& path);

LogsConfig decode_logs(const Node& v, const std::string& path, const DecodeContext& ctx);
EndureConfig decode_endure(const Node& v, const std::string& path, const DecodeContext& ctx);
LogLevel parse_log_level(const Node& v, const std::string& path);

}  // namespace rr::config::detail
