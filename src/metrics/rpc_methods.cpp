#include "metrics/rpc_methods.h"

#include <fmt/format.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "metrics/names.h"

namespace rr::metrics {

namespace {

using nlohmann::json;

struct OpText {
    std::string_view prefix;     // errors.Op of the upstream method
    std::string_view undefined;  // "undefined collector {}" variant
};

Desc make_desc(const std::string& name, const CollectorConfig& c) {
    Desc d;
    d.name = build_fq_name(c.ns, c.subsystem, name);
    d.help = c.help;
    d.label_names = c.labels;
    d.buckets = c.buckets;
    d.objectives = c.objectives;
    return d;
}

template <class F>
Expected<std::shared_ptr<FamilyBase>> as_base(Expected<std::shared_ptr<F>> r) {
    if (!r) return r.error();
    return std::shared_ptr<FamilyBase>(std::move(r.value()));
}

Expected<std::shared_ptr<FamilyBase>> create(Registry& registry, MetricType type, const Desc& d) {
    switch (type) {
        case MetricType::kCounter:
            return as_base(registry.counter(d));
        case MetricType::kGauge:
            return as_base(registry.gauge(d));
        case MetricType::kHistogram:
            return as_base(registry.histogram(d));
        case MetricType::kSummary:
            return as_base(registry.summary(d));
        case MetricType::kUntyped:
            break;
    }
    return Error{"unsupported metric type"};
}

bool parse_type(std::string_view s, MetricType& out) {
    if (s == "counter") {
        out = MetricType::kCounter;
    } else if (s == "gauge") {
        out = MetricType::kGauge;
    } else if (s == "histogram") {
        out = MetricType::kHistogram;
    } else if (s == "summary") {
        out = MetricType::kSummary;
    } else {
        return false;
    }
    return true;
}

// The series of `family` for `labels`; a family without labels ignores them, as upstream's
// scalar collectors do.
template <class S>
Expected<std::shared_ptr<S>> series_of(FamilyBase& base, const std::vector<std::string>& labels) {
    auto& family = static_cast<Family<S>&>(base);
    if (S* scalar = family.scalar()) return std::shared_ptr<S>(std::shared_ptr<S>{}, scalar);
    return family.with(std::span<const std::string>(labels));
}

}  // namespace

MetricsRpc::MetricsRpc(Registry& registry) : registry_(registry) {}

bool MetricsRpc::contains(std::string_view name) const {
    std::shared_lock lock(mu_);
    return collectors_.contains(std::string(name));
}

Expected<void> MetricsRpc::declare_locked(const std::string& name, const CollectorConfig& c) {
    MetricType type{};
    if (!parse_type(c.type, type)) {
        return Error{fmt::format("unknown collector type {}", c.type)};
    }
    const Desc desc = make_desc(name, c);
    auto family = create(registry_, type, desc);
    if (!family) return family.error();
    collectors_.emplace(name, Entry{type, desc.name, std::move(family.value())});
    return success();
}

Expected<void> MetricsRpc::declare_config(const std::map<std::string, CollectorConfig>& collect) {
    std::unique_lock lock(mu_);
    for (const auto& [name, c] : collect) {
        MetricType type{};
        if (!parse_type(c.type, type)) {
            return Error{fmt::format("metrics_plugin_init: invalid metric type `{}` for `{}`",
                                     c.type, name)};
        }
        if (collectors_.contains(name)) {
            return Error{fmt::format(
                "metrics_plugin_init: tried to register existing collector with the name `{}`",
                name)};
        }
        if (auto ok = declare_locked(name, c); !ok) {
            return Error{
                fmt::format("metrics_plugin_init: collector `{}`: {}", name, ok.error().message)};
        }
    }
    return success();
}

Expected<bool> MetricsRpc::declare(const json& args) {
    auto d = decode_declare_args(args);
    if (!d) return d.error();
    std::unique_lock lock(mu_);
    if (collectors_.contains(d.value().name)) {
        return Error{fmt::format(
            "metrics_plugin_declare: tried to register existing collector with the name `{}`",
            d.value().name)};
    }
    if (auto ok = declare_locked(d.value().name, d.value().collector); !ok) {
        return Error{fmt::format("metrics_plugin_declare: {}", ok.error().message)};
    }
    return true;
}

Expected<bool> MetricsRpc::unregister(const json& args) {
    auto name = decode_unregister_args(args);
    if (!name) return name.error();
    std::unique_lock lock(mu_);
    auto it = collectors_.find(name.value());
    if (it == collectors_.end()) {
        return Error{
            fmt::format("metrics_plugin_unregister: undefined collector {}", name.value())};
    }
    registry_.unregister(it->second.fq_name);
    collectors_.erase(it);
    return true;
}

Expected<bool> MetricsRpc::add(const json& args) {
    return update(Op::kAdd, args);
}
Expected<bool> MetricsRpc::sub(const json& args) {
    return update(Op::kSub, args);
}
Expected<bool> MetricsRpc::set(const json& args) {
    return update(Op::kSet, args);
}
Expected<bool> MetricsRpc::observe(const json& args) {
    return update(Op::kObserve, args);
}

Expected<bool> MetricsRpc::update(Op op, const json& args) {
    static constexpr OpText kText[] = {
        {"metrics_plugin_add", "undefined collector {}, try first Declare the desired collector"},
        {"metrics_plugin_sub", "undefined collector {}"},
        {"metrics_plugin_set", "undefined collector {}"},
        {"metrics_plugin_observe", "undefined collector {}"},
    };
    const OpText& text = kText[static_cast<int>(op)];
    auto decoded = decode_metric_args(args);
    if (!decoded) return decoded.error();
    const MetricArgs& m = decoded.value();

    Entry entry;
    {
        std::shared_lock lock(mu_);
        auto it = collectors_.find(m.name);
        if (it == collectors_.end()) {
            return Error{fmt::format("{}: {}", text.prefix,
                                     fmt::format(fmt::runtime(text.undefined), m.name))};
        }
        entry = it->second;
    }
    auto fail = [&](std::string_view message) {
        return Error{fmt::format("{}: {}", text.prefix, message)};
    };
    const bool labelled = !entry.family->label_names().empty();
    // Upstream's texts differ by method and type: some quote the name in backticks.
    auto unsupported = [&](std::string_view method) {
        if (op == Op::kAdd) {
            return fail(fmt::format("collector {} does not support method `{}`", m.name, method));
        }
        if (op == Op::kSet) {
            return fail(fmt::format("collector `{}` does not support method {}", m.name, method));
        }
        return fail(fmt::format("collector `{}` does not support method `{}`", m.name, method));
    };
    auto missing_labels = [&](bool backticks) {
        return fail(backticks ? fmt::format("required labels for collector `{}`", m.name)
                              : fmt::format("required labels for collector {}", m.name));
    };

    switch (entry.type) {
        case MetricType::kCounter: {
            if (op != Op::kAdd) {
                return unsupported(op == Op::kSub ? "Sub" : op == Op::kSet ? "Set" : "Observe");
            }
            if (labelled && m.labels.empty()) return missing_labels(true);
            auto s = series_of<Counter>(*entry.family, m.labels);
            if (!s) return fail(s.error().message);
            if (!s.value()->add(m.value)) return fail("counter cannot decrease in value");
            return true;
        }
        case MetricType::kGauge: {
            if (op == Op::kObserve) return unsupported("Observe");
            if (labelled && m.labels.empty()) return missing_labels(false);
            auto s = series_of<Gauge>(*entry.family, m.labels);
            if (!s) return fail(s.error().message);
            if (op == Op::kAdd) s.value()->add(m.value);
            if (op == Op::kSub) s.value()->sub(m.value);
            if (op == Op::kSet) s.value()->set(m.value);
            return true;
        }
        case MetricType::kHistogram:
        case MetricType::kSummary: {
            if (op != Op::kObserve) {
                return unsupported(op == Op::kAdd ? "Add" : op == Op::kSub ? "Sub" : "Set");
            }
            if (labelled && m.labels.empty()) return missing_labels(true);
            if (entry.type == MetricType::kHistogram) {
                auto s = series_of<Histogram>(*entry.family, m.labels);
                if (!s) return fail(s.error().message);
                s.value()->observe(m.value);
            } else {
                auto s = series_of<Summary>(*entry.family, m.labels);
                if (!s) return fail(s.error().message);
                s.value()->observe(m.value);
            }
            return true;
        }
        case MetricType::kUntyped:
            break;
    }
    return unsupported("this");
}

Expected<bool> MetricsRpc::call(std::string_view method, const json& args) {
    if (method.starts_with("metrics.")) method.remove_prefix(8);
    if (method == "Declare") return declare(args);
    if (method == "Add") return add(args);
    if (method == "Sub") return sub(args);
    if (method == "Set") return set(args);
    if (method == "Observe") return observe(args);
    if (method == "Unregister") return unregister(args);
    return Error{fmt::format("rpc: can't find method metrics.{}", method)};
}

Expected<bool> MetricsRpc::call_json(std::string_view method, std::string_view body) {
    json args = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (args.is_discarded()) return Error{"json: invalid JSON in the RPC arguments"};
    return call(method, args);
}

}  // namespace rr::metrics
