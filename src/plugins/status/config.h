#pragma once
// The `status` section (BEHAVIOUR.md §1.10): where /health and /ready are served.
//
//   status:
//     address: 127.0.0.1:2114         # required; host:port (tcp://, unix:// accepted too)
//     unavailable_status_code: 503    # 100..599; 0 or absent = 503
//     check_timeout: 60               # int seconds (upstream's type); "30s" accepted too
//
// Thread safety: plain values.

#include <chrono>
#include <string>

#include "config/config.h"
#include "config/reader.h"

namespace rr::plugins {

struct StatusConfig {
    config::Endpoint address;
    int unavailable_status_code = 503;
    /// Read/header/write timeout of the status listener's connections.
    std::chrono::seconds check_timeout{60};
};

/// Throws config::ConfigError: address missing or not an address, a status code outside
/// 100..599, a check_timeout that is neither whole seconds nor a Go duration.
StatusConfig decode_status_config(const config::Node& node, const std::string& path,
                                  const config::DecodeContext& ctx);

}  // namespace rr::plugins
