#include "config/config.h"

namespace rr::config {

namespace {
std::string join_what(const std::string& key_path, const std::string& reason) {
    return key_path.empty() ? reason : key_path + ": " + reason;
}
}  // namespace

ConfigError::ConfigError(std::string key_path, std::string reason)
    : std::runtime_error(join_what(key_path, reason)),
      key_path_(std::move(key_path)),
      reason_(std::move(reason)) {}

bool Subnet::contains(const boost::asio::ip::address&) const noexcept { return false; }

const LogSettings& LogsConfig::for_channel(std::string_view name) const {
    auto it = channels.find(std::string(name));
    return it == channels.end() ? static_cast<const LogSettings&>(*this) : it->second;
}

Config load(const LoadOptions&) { throw ConfigError("", "config loading not implemented yet"); }

Config parse_string(std::string_view, const LoadOptions&) {
    throw ConfigError("", "config loading not implemented yet");
}

std::optional<Duration> parse_duration(std::string_view) { return std::nullopt; }

std::string expand_env(std::string_view text) { return std::string(text); }

std::optional<Endpoint> parse_endpoint(std::string_view) { return std::nullopt; }

}  // namespace rr::config
