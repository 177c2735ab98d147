#pragma once
// The `metrics` section (BEHAVIOUR.md §1.11):
//
//   metrics:
//     address: 127.0.0.1:2112     # default; host:port (tcp://, unix:// accepted too)
//     collect:                    # application metrics, fed from PHP over RPC
//       app_metric:
//         type: histogram         # counter | gauge | histogram | summary (required)
//         help: "..."
//         namespace: app          # exposed as namespace_subsystem_name
//         subsystem: ""
//         labels: ["type"]
//         buckets: [0.1, 0.2, 1]  # histogram; default: Prometheus' defaults
//         objectives:             # summary; a map, or upstream's list of one-entry maps
//           - 0.5: 0.05
//
// Thread safety: plain values.

#include <map>
#include <string>

#include "config/config.h"
#include "config/reader.h"
#include "metrics/rpc_methods.h"

namespace rr::plugins {

struct MetricsConfig {
    config::Endpoint address;  ///< default 127.0.0.1:2112
    /// `collect`, by collector name (validated again, with the registry's rules, at init).
    std::map<std::string, metrics::CollectorConfig> collect;
};

/// Throws config::ConfigError naming the key: a bad address, a collector without a type or
/// with an unknown one, buckets or objectives that are not numbers.
MetricsConfig decode_metrics_config(const config::Node& node, const std::string& path,
                                    const config::DecodeContext& ctx);

}  // namespace rr::plugins
