// Decoding of the metrics RPC arguments with Go encoding/json's rules and error texts (the
// upstream server decodes them into Go structs): object keys match field names
// case-insensitively, null leaves a field at its zero value, unknown keys are ignored, and a
// value of the wrong JSON kind is "json: cannot unmarshal <kind> into Go struct field
// <Struct>.<key> of type <type>".

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "metrics/rpc_methods.h"

namespace rr::metrics {

namespace {

using nlohmann::json;

std::string_view kind(const json& j) {
    switch (j.type()) {
        case json::value_t::string:
            return "string";
        case json::value_t::boolean:
            return "bool";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return "number";
        case json::value_t::array:
            return "array";
        case json::value_t::object:
            return "object";
        default:
            return "null";
    }
}

bool key_is(std::string_view key, std::string_view field) {
    if (key.size() != field.size()) return false;
    for (std::size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != field[i]) return false;
    }
    return true;
}

Error type_error(const json& value, std::string_view path, std::string_view go_type) {
    return Error{fmt::format("json: cannot unmarshal {} into Go struct field {} of type {}",
                             kind(value), path, go_type)};
}

Error top_error(const json& value, std::string_view go_type) {
    return Error{
        fmt::format("json: cannot unmarshal {} into Go value of type {}", kind(value), go_type)};
}

Expected<void> get_string(const json& v, std::string_view path, std::string& out) {
    if (v.is_null()) return success();
    if (!v.is_string()) return type_error(v, path, "string");
    out = v.get<std::string>();
    return success();
}

Expected<void> get_double(const json& v, std::string_view path, double& out) {
    if (v.is_null()) return success();
    if (!v.is_number()) return type_error(v, path, "float64");
    out = v.get<double>();
    return success();
}

Expected<void> get_strings(const json& v, std::string_view path, std::vector<std::string>& out) {
    out.clear();
    if (v.is_null()) return success();
    if (!v.is_array()) return type_error(v, path, "[]string");
    for (const json& e : v) {
        if (e.is_null()) {
            out.emplace_back();
            continue;
        }
        if (!e.is_string()) return type_error(e, path, "string");
        out.push_back(e.get<std::string>());
    }
    return success();
}

Expected<void> get_doubles(const json& v, std::string_view path, std::vector<double>& out) {
    out.clear();
    if (v.is_null()) return success();
    if (!v.is_array()) return type_error(v, path, "[]float64");
    for (const json& e : v) {
        if (e.is_null()) {
            out.push_back(0);
            continue;
        }
        if (!e.is_number()) return type_error(e, path, "float64");
        out.push_back(e.get<double>());
    }
    return success();
}

Expected<void> get_objectives(const json& v, std::string_view path, std::vector<Objective>& out) {
    out.clear();
    if (v.is_null()) return success();
    if (!v.is_object()) return type_error(v, path, "map[float64]float64");
    for (const auto& [key, value] : v.items()) {
        Objective o;
        auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), o.quantile);
        if (ec != std::errc() || end != key.data() + key.size()) {
            return Error{fmt::format(
                "json: cannot unmarshal number {} into Go struct field {} of type float64", key,
                path)};
        }
        if (!value.is_null() && !value.is_number()) return type_error(value, path, "float64");
        o.error = value.is_null() ? 0 : value.get<double>();
        out.push_back(o);
    }
    return success();
}

Expected<void> decode_collector(const json& j, CollectorConfig& c) {
    if (j.is_null()) return success();
    if (!j.is_object()) return type_error(j, "NamedCollector.collector", "metrics.Collector");
    for (const auto& [key, v] : j.items()) {
        Expected<void> r = success();
        if (key_is(key, "namespace")) {
            r = get_string(v, "NamedCollector.collector.namespace", c.ns);
        } else if (key_is(key, "subsystem")) {
            r = get_string(v, "NamedCollector.collector.subsystem", c.subsystem);
        } else if (key_is(key, "type")) {
            r = get_string(v, "NamedCollector.collector.type", c.type);
        } else if (key_is(key, "help")) {
            r = get_string(v, "NamedCollector.collector.help", c.help);
        } else if (key_is(key, "labels")) {
            r = get_strings(v, "NamedCollector.collector.labels", c.labels);
        } else if (key_is(key, "buckets")) {
            r = get_doubles(v, "NamedCollector.collector.buckets", c.buckets);
        } else if (key_is(key, "objectives")) {
            r = get_objectives(v, "NamedCollector.collector.objectives", c.objectives);
        }
        if (!r) return r.error();
    }
    return success();
}

}  // namespace

Expected<MetricArgs> decode_metric_args(const json& j) {
    MetricArgs m;
    if (j.is_null()) return m;
    if (!j.is_object()) return top_error(j, "metrics.Metric");
    for (const auto& [key, v] : j.items()) {
        Expected<void> r = success();
        if (key_is(key, "name")) {
            r = get_string(v, "Metric.name", m.name);
        } else if (key_is(key, "value")) {
            r = get_double(v, "Metric.value", m.value);
        } else if (key_is(key, "labels")) {
            r = get_strings(v, "Metric.labels", m.labels);
        }
        if (!r) return r.error();
    }
    return m;
}

Expected<DeclareArgs> decode_declare_args(const json& j) {
    DeclareArgs d;
    if (j.is_null()) return d;
    if (!j.is_object()) return top_error(j, "metrics.NamedCollector");
    for (const auto& [key, v] : j.items()) {
        Expected<void> r = success();
        if (key_is(key, "name")) {
            r = get_string(v, "NamedCollector.name", d.name);
        } else if (key_is(key, "collector")) {
            r = decode_collector(v, d.collector);
        }
        if (!r) return r.error();
    }
    return d;
}

Expected<std::string> decode_unregister_args(const json& j) {
    if (j.is_null()) return std::string();
    if (!j.is_string()) return top_error(j, "string");
    return j.get<std::string>();
}

}  // namespace rr::metrics
