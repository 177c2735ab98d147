#pragma once
/// The `server` section (BEHAVIOUR.md §1.1): the worker command, its environment and relay,
/// and `on_init`. Decoded by the server plugin; docs/config.md lists every key.
///
/// Thread safety: plain values.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace rr::plugins {

using config::Duration;

struct OnInitConfig {
    std::vector<std::string> command;  ///< required, non-empty
    Duration exec_timeout = std::chrono::seconds(60);
    bool exit_on_error = false;
    std::map<std::string, std::string> env;  ///< keys upper-cased, values env-expanded
    std::string user;
};

struct ServerConfig {
    /// argv of the worker; a string in the file is split on whitespace (no shell quoting).
    /// Required and non-empty.
    std::vector<std::string> command;
    std::string user;   ///< run workers as this user name ("" = our user)
    std::string group;  ///< workers' group ("" = the user's primary group); dead key upstream
    std::map<std::string, std::string> env;  ///< extra worker env; keys UPPER-CASED
    /// Relay to workers. Empty optional = "pipes"; otherwise a tcp:// or unix:// endpoint.
    std::optional<config::Endpoint> relay;
    std::string relay_text = "pipes";  ///< literal value for RR_RELAY
    std::optional<OnInitConfig> on_init;
    // server.relay_timeout is accepted and ignored (no-op upstream since v2024.1).
};

/// Decodes the `server` section. Throws ConfigError naming the key.
ServerConfig decode_server_config(const config::Node& v, const std::string& path,
                                  const config::DecodeContext& ctx);

/// RR_RPC for the workers: `rpc.listen` as written (tcp://127.0.0.1:6001 when the rpc section
/// has no listen key); empty when there is no rpc section.
std::string rpc_address(const config::Config& config);

}  // namespace rr::plugins
