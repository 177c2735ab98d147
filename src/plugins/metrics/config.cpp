// Decoder of the `metrics` section (see config.h).

#include "plugins/metrics/config.h"

#include <algorithm>
#include <cctype>

namespace rr::plugins {

using config::MapReader;
using config::Node;

namespace {

const Node kNullNode{};  // a collector written without a body

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::vector<metrics::Objective> read_objectives(const Node& v, const std::string& path) {
    std::map<double, double> by_quantile;  // sorted, a repeated quantile keeps the last
    auto add_map = [&](const Node& m, const std::string& p) {
        if (!m.is_map()) config::fail_expected(p, "a map of quantile to allowed error", m);
        for (const auto& [key, value] : m.entries) {
            const double q = config::as_double(Node::make_scalar(key, false), p);
            by_quantile[q] = config::as_double(value, p + "." + key);
        }
    };
    if (v.is_seq()) {
        // RoadRunner's reference config writes a list of one-entry maps.
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            add_map(v.items[i], path + "[" + std::to_string(i) + "]");
        }
    } else {
        add_map(v, path);
    }
    std::vector<metrics::Objective> out;
    for (const auto& [q, e] : by_quantile) out.push_back({q, e});
    return out;
}

metrics::CollectorConfig read_collector(const Node& node, const std::string& path,
                                        const config::DecodeContext& ctx) {
    metrics::CollectorConfig c;
    MapReader r(node, path, ctx);
    const Node* type = r.take("type");
    if (type == nullptr) {
        config::fail(r.child("type"), "required (counter, gauge, histogram or summary)");
    }
    c.type = lower(config::as_string(*type, r.child("type")));
    if (c.type != "counter" && c.type != "gauge" && c.type != "histogram" && c.type != "summary") {
        config::fail_expected(r.child("type"), "one of counter, gauge, histogram, summary", *type);
    }
    r.read("help", c.help);
    r.read("namespace", c.ns);
    r.read("subsystem", c.subsystem);
    r.read("labels", c.labels);
    if (const Node* b = r.take("buckets")) {
        const std::string bp = r.child("buckets");
        if (!b->is_seq()) config::fail_expected(bp, "a list of numbers", *b);
        for (std::size_t i = 0; i < b->items.size(); ++i) {
            c.buckets.push_back(config::as_double(b->items[i], bp + "[" + std::to_string(i) + "]"));
        }
    }
    if (const Node* o = r.take("objectives")) {
        c.objectives = read_objectives(*o, r.child("objectives"));
    }
    r.finish();
    return c;
}

}  // namespace

MetricsConfig decode_metrics_config(const Node& node, const std::string& path,
                                    const config::DecodeContext& ctx) {
    MetricsConfig cfg;
    cfg.address = *config::parse_endpoint("127.0.0.1:2112");
    MapReader r(node, path, ctx);
    if (const Node* a = r.take("address"); a != nullptr && !(a->is_scalar() && a->scalar.empty())) {
        cfg.address = config::as_endpoint(*a, r.child("address"));
    }
    if (const Node* c = r.take("collect")) {
        MapReader cr(*c, r.child("collect"), ctx);
        for (const std::string& name : cr.keys()) {
            const Node* body = cr.take(name);
            cfg.collect[name] =
                read_collector(body == nullptr ? kNullNode : *body, cr.child(name), ctx);
        }
    }
    r.finish();
    return cfg;
}

}  // namespace rr::plugins
