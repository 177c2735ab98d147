#pragma once
/// The `rpc` section (BEHAVIOUR.md §1.9): where the goridge RPC server listens. Decoded by the rpc
/// plugin and by `rr reset` / `rr workers` (which connect there). docs/config.md lists the keys.
///
/// Thread safety: plain values.

#include <string>

#include "config/config.h"
#include "config/reader.h"

namespace rr::plugins {

/// RoadRunner's default `rpc.listen`.
inline constexpr std::string_view kDefaultRpcListen = "tcp://127.0.0.1:6001";

struct RpcConfig {
    /// `tcp://host:port` or `unix://path` (the scheme is required, as upstream's DSN); an empty
    /// or missing value is kDefaultRpcListen.
    config::Endpoint listen;
};

/// Decodes the `rpc` section. Throws ConfigError naming the key
/// (`rpc.listen: expected "tcp://host:port" or "unix://path", got "..."`). Unknown keys are
/// warnings; `rpc.request_timeout` and `rpc.tls` (RoadRunner 2025+) are accepted with a
/// warning (not served).
RpcConfig decode_rpc_config(const config::Node& v, const std::string& path,
                            const config::DecodeContext& ctx);

}  // namespace rr::plugins
