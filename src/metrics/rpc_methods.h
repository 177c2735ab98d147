#pragma once
// RoadRunner's metrics RPC service (`metrics.Declare`, `Add`, `Sub`, `Set`, `Observe`,
// `Unregister`) and `metrics.collect` declarations, as plain calls over a Registry. The RPC
// transport (goridge framing, codecs) is not here: the RPC server decodes the JSON body and
// calls these; the reply is JSON `true` or the error text.
//
// Arguments are what spiral/roadrunner-metrics sends (JSON codec), decoded with Go
// encoding/json's rules (keys matched case-insensitively, null leaves a field empty, unknown
// keys ignored):
//   Declare     {"name": "...", "collector": {"namespace": "", "subsystem": "", "type":
//               "counter|gauge|histogram|summary", "help": "", "labels": [...], "buckets":
//               [...], "objectives": {"0.5": 0.05, ...}}}
//   Add, Sub, Set, Observe
//               {"name": "...", "value": 1.0, "labels": ["label value", ...]}
//   Unregister  "name"
// Collectors are addressed by `name` (not the namespaced fully-qualified name they are exposed
// under). Errors carry upstream's texts (RoadRunner 2023-2025, goridge RPC), e.g.
//   metrics_plugin_add: undefined collector foo, try first Declare the desired collector
//   metrics_plugin_declare: tried to register existing collector with the name `foo`
//   metrics_plugin_set: collector `foo` does not support method Set
//   metrics_plugin_observe: inconsistent label cardinality: expected 2 label values but got 1
//     in []string{"a"}
// where upstream panics (a negative counter increment, bad histogram buckets) this answers an
// error instead. docs/metrics.md lists every case and difference.
//
// Thread safety: every member function is safe from any thread.

#include <array>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "metrics/expected.h"
#include "metrics/registry.h"

namespace rr::metrics {

/// One `metrics.collect.<name>` entry; also the decoded `collector` object of Declare.
struct CollectorConfig {
    std::string type{};  ///< counter | gauge | histogram | summary
    std::string ns{};    ///< `namespace`
    std::string subsystem{};
    std::string help{};
    std::vector<std::string> labels{};
    std::vector<double> buckets{};        ///< histogram; empty = Prometheus defaults
    std::vector<Objective> objectives{};  ///< summary; quantile -> error
};

/// The `name`/`value`/`labels` argument of Add, Sub, Set and Observe.
struct MetricArgs {
    std::string name;
    double value = 0;
    std::vector<std::string> labels;
};

/// The argument of Declare.
struct DeclareArgs {
    std::string name;
    CollectorConfig collector;
};

/// Go-encoding/json-style decoding of the RPC arguments (errors read like Go's).
Expected<MetricArgs> decode_metric_args(const nlohmann::json& j);
Expected<DeclareArgs> decode_declare_args(const nlohmann::json& j);
Expected<std::string> decode_unregister_args(const nlohmann::json& j);

class MetricsRpc {
public:
    /// Method names as registered on the RPC server.
    static constexpr std::array<std::string_view, 6> kMethods = {
        "metrics.Declare", "metrics.Add",     "metrics.Sub",
        "metrics.Set",     "metrics.Observe", "metrics.Unregister"};

    /// `registry` must outlive this object.
    explicit MetricsRpc(Registry& registry);

    /// Declares the `metrics.collect` collectors (map key = collector name). Stops at the first
    /// error: "invalid metric type `x` for `name`" or the registry's validation text. Meant for
    /// start-up; the caller turns an error into a config error.
    Expected<void> declare_config(const std::map<std::string, CollectorConfig>& collect);

    Expected<bool> declare(const nlohmann::json& args);
    Expected<bool> add(const nlohmann::json& args);
    Expected<bool> sub(const nlohmann::json& args);
    Expected<bool> set(const nlohmann::json& args);
    Expected<bool> observe(const nlohmann::json& args);
    Expected<bool> unregister(const nlohmann::json& args);

    /// Dispatches by method name, with or without the "metrics." prefix. An unknown method is
    /// an error naming it.
    Expected<bool> call(std::string_view method, const nlohmann::json& args);
    /// The same with the JSON body still as text (a malformed body is an error).
    Expected<bool> call_json(std::string_view method, std::string_view body);

    /// True when a collector named `name` is declared.
    bool contains(std::string_view name) const;

private:
    enum class Op { kAdd, kSub, kSet, kObserve };
    struct Entry {
        MetricType type = MetricType::kUntyped;
        std::string fq_name;
        std::shared_ptr<FamilyBase> family;
    };

    Expected<void> declare_locked(const std::string& name, const CollectorConfig& c);
    Expected<bool> update(Op op, const nlohmann::json& args);

    Registry& registry_;
    mutable std::shared_mutex mu_;
    std::unordered_map<std::string, Entry> collectors_;
};

}  // namespace rr::metrics
