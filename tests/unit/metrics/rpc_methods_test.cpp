// The metrics RPC methods: payloads as spiral/roadrunner-metrics sends them, and upstream's
// answers and error texts.

#include "metrics/rpc_methods.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/prom_text_parser.h"

namespace rr::metrics {
namespace {

using nlohmann::json;

class MetricsRpcTest : public ::testing::Test {
protected:
    // Calls with a JSON body text; returns "true" or the error text.
    std::string call(std::string_view method, std::string_view body) {
        auto r = rpc.call_json(method, body);
        if (!r) return r.error().message;
        return r.value() ? "true" : "false";
    }

    std::optional<double> value(std::string_view name,
                                const std::map<std::string, std::string>& labels = {}) {
        auto parsed = rr::test::prom::parse(registry.scrape_text());
        EXPECT_TRUE(parsed) << parsed.error;
        if (!parsed) return std::nullopt;
        return parsed.exposition->value(name, labels);
    }

    Registry registry;
    MetricsRpc rpc{registry};
};

// What Collector::counter()->withHelp()->withLabels() serializes to.
constexpr std::string_view kDeclareCounter =
    R"({"name":"http_requests","collector":{"namespace":"app","subsystem":"","type":"counter",)"
    R"("help":"Requests.","labels":["status","method"],"buckets":[]}})";

TEST_F(MetricsRpcTest, DeclareAndAddWithLabels) {
    EXPECT_EQ(call("metrics.Declare", kDeclareCounter), "true");
    EXPECT_TRUE(rpc.contains("http_requests"));
    EXPECT_EQ(call("metrics.Add", R"({"name":"http_requests","value":1.0,"labels":["200","GET"]})"),
              "true");
    EXPECT_EQ(call("Add", R"({"name":"http_requests","value":2.0,"labels":["200","GET"]})"),
              "true");
    // Exposed under the namespaced name, addressed by the short one.
    EXPECT_EQ(value("app_http_requests", {{"status", "200"}, {"method", "GET"}}), 3);
}

TEST_F(MetricsRpcTest, DeclareTwiceIsTheErrorPhpSuppresses) {
    EXPECT_EQ(call("Declare", kDeclareCounter), "true");
    EXPECT_EQ(call("Declare", kDeclareCounter),
              "metrics_plugin_declare: tried to register existing collector with the name "
              "`http_requests`");
}

TEST_F(MetricsRpcTest, DeclareErrors) {
    EXPECT_EQ(call("Declare", R"({"name":"x","collector":{"type":"meter"}})"),
              "metrics_plugin_declare: unknown collector type meter");
    EXPECT_EQ(call("Declare", R"({"name":"x","collector":{}})"),
              "metrics_plugin_declare: unknown collector type ");
    EXPECT_EQ(call("Declare", R"({"name":"bad-name","collector":{"type":"gauge"}})"),
              "metrics_plugin_declare: \"bad-name\" is not a valid metric name");
    EXPECT_EQ(
        call("Declare", R"({"name":"h","collector":{"type":"histogram","buckets":[2.0,1.0]}})"),
        "metrics_plugin_declare: histogram buckets must be in increasing order: "
        "2.000000 >= 1.000000");
    EXPECT_EQ(call("Declare", R"({"name":"h","collector":{"type":"histogram","labels":["le"]}})"),
              "metrics_plugin_declare: \"le\" is not allowed as label name in histograms");
    // A failed declaration leaves nothing behind: the name can be declared properly.
    EXPECT_FALSE(rpc.contains("h"));
    EXPECT_EQ(call("Declare", R"({"name":"h","collector":{"type":"histogram"}})"), "true");
    // Two short names with the same fully-qualified name clash in the registry.
    EXPECT_EQ(call("Declare", R"({"name":"b","collector":{"namespace":"a","type":"gauge"}})"),
              "true");
    EXPECT_EQ(call("Declare", R"({"name":"a_b","collector":{"type":"gauge"}})"),
              "metrics_plugin_declare: duplicate metrics collector registration attempted");
}

TEST_F(MetricsRpcTest, UndefinedCollectorTextsPerMethod) {
    const std::string m = R"({"name":"nope","value":1.0,"labels":[]})";
    EXPECT_EQ(call("Add", m),
              "metrics_plugin_add: undefined collector nope, try first Declare the desired "
              "collector");
    EXPECT_EQ(call("Sub", m), "metrics_plugin_sub: undefined collector nope");
    EXPECT_EQ(call("Set", m), "metrics_plugin_set: undefined collector nope");
    EXPECT_EQ(call("Observe", m), "metrics_plugin_observe: undefined collector nope");
    EXPECT_EQ(call("Unregister", R"("nope")"),
              "metrics_plugin_unregister: undefined collector nope");
}

TEST_F(MetricsRpcTest, UnsupportedOperationTexts) {
    ASSERT_EQ(call("Declare", R"({"name":"c","collector":{"type":"counter"}})"), "true");
    ASSERT_EQ(call("Declare", R"({"name":"g","collector":{"type":"gauge"}})"), "true");
    ASSERT_EQ(call("Declare", R"({"name":"h","collector":{"type":"histogram"}})"), "true");
    ASSERT_EQ(call("Declare", R"({"name":"s","collector":{"type":"summary"}})"), "true");
    auto m = [](std::string_view name) {
        return std::string(R"({"name":")") + std::string(name) + R"(","value":1.0})";
    };
    EXPECT_EQ(call("Sub", m("c")),
              "metrics_plugin_sub: collector `c` does not support method `Sub`");
    EXPECT_EQ(call("Set", m("c")), "metrics_plugin_set: collector `c` does not support method Set");
    EXPECT_EQ(call("Observe", m("c")),
              "metrics_plugin_observe: collector `c` does not support method `Observe`");
    EXPECT_EQ(call("Observe", m("g")),
              "metrics_plugin_observe: collector `g` does not support method `Observe`");
    EXPECT_EQ(call("Add", m("h")), "metrics_plugin_add: collector h does not support method `Add`");
    EXPECT_EQ(call("Set", m("s")), "metrics_plugin_set: collector `s` does not support method Set");
    EXPECT_EQ(call("Sub", m("s")),
              "metrics_plugin_sub: collector `s` does not support method `Sub`");
}

TEST_F(MetricsRpcTest, GaugeOperations) {
    ASSERT_EQ(call("Declare", R"({"name":"g","collector":{"type":"gauge","help":"G."}})"), "true");
    EXPECT_EQ(call("Set", R"({"name":"g","value":10.0,"labels":[]})"), "true");
    EXPECT_EQ(call("Add", R"({"name":"g","value":2.5})"), "true");
    EXPECT_EQ(call("Sub", R"({"name":"g","value":0.5,"labels":null})"), "true");
    // A collector without labels ignores labels it is given, as upstream's scalar ones do.
    EXPECT_EQ(call("Add", R"({"name":"g","value":1,"labels":["ignored"]})"), "true");
    EXPECT_EQ(value("g"), 13);
}

TEST_F(MetricsRpcTest, LabelledCollectorsNeedTheirLabels) {
    ASSERT_EQ(call("Declare", R"({"name":"c","collector":{"type":"counter","labels":["a","b"]}})"),
              "true");
    ASSERT_EQ(call("Declare", R"({"name":"g","collector":{"type":"gauge","labels":["a"]}})"),
              "true");
    ASSERT_EQ(call("Declare", R"({"name":"h","collector":{"type":"histogram","labels":["a"]}})"),
              "true");
    EXPECT_EQ(call("Add", R"({"name":"c","value":1.0,"labels":[]})"),
              "metrics_plugin_add: required labels for collector `c`");
    EXPECT_EQ(call("Add", R"({"name":"g","value":1.0})"),
              "metrics_plugin_add: required labels for collector g");
    EXPECT_EQ(call("Set", R"({"name":"g","value":1.0})"),
              "metrics_plugin_set: required labels for collector g");
    EXPECT_EQ(call("Sub", R"({"name":"g","value":1.0})"),
              "metrics_plugin_sub: required labels for collector g");
    EXPECT_EQ(call("Observe", R"({"name":"h","value":1.0})"),
              "metrics_plugin_observe: required labels for collector `h`");
    EXPECT_EQ(call("Add", R"({"name":"c","value":1.0,"labels":["x"]})"),
              "metrics_plugin_add: inconsistent label cardinality: expected 2 label values but "
              "got 1 in []string{\"x\"}");
    EXPECT_EQ(call("Observe", R"({"name":"h","value":1.0,"labels":["x","y"]})"),
              "metrics_plugin_observe: inconsistent label cardinality: expected 1 label values "
              "but got 2 in []string{\"x\", \"y\"}");
    EXPECT_EQ(call("Add", R"({"name":"c","value":1.0,"labels":["x","\u00ff"]})"), "true");
    EXPECT_EQ(value("c", {{"a", "x"}, {"b", "\xc3\xbf"}}), 1);
}

TEST_F(MetricsRpcTest, CounterCannotDecrease) {
    ASSERT_EQ(call("Declare", R"({"name":"c","collector":{"type":"counter"}})"), "true");
    EXPECT_EQ(call("Add", R"({"name":"c","value":-1.0})"),
              "metrics_plugin_add: counter cannot decrease in value");
    EXPECT_EQ(value("c"), 0);
}

TEST_F(MetricsRpcTest, ObserveHistogramAndSummary) {
    ASSERT_EQ(
        call("Declare", R"({"name":"h","collector":{"type":"histogram","buckets":[0.1,1.0]}})"),
        "true");
    ASSERT_EQ(call("Declare", R"({"name":"s","collector":{"type":"summary","labels":["k"],)"
                              R"("objectives":{"0.5":0.05,"0.99":0.001}}})"),
              "true");
    EXPECT_EQ(call("Observe", R"({"name":"h","value":0.5,"labels":[]})"), "true");
    EXPECT_EQ(call("Observe", R"({"name":"s","value":3.0,"labels":["x"]})"), "true");
    EXPECT_EQ(value("h_bucket", {{"le", "0.1"}}), 0);
    EXPECT_EQ(value("h_bucket", {{"le", "1"}}), 1);
    EXPECT_EQ(value("h_count"), 1);
    EXPECT_EQ(value("s", {{"k", "x"}, {"quantile", "0.99"}}), 3);
    EXPECT_EQ(value("s_count", {{"k", "x"}}), 1);
}

TEST_F(MetricsRpcTest, UnregisterRemovesTheCollector) {
    ASSERT_EQ(call("Declare", kDeclareCounter), "true");
    EXPECT_EQ(call("Unregister", R"("http_requests")"), "true");
    EXPECT_FALSE(rpc.contains("http_requests"));
    EXPECT_FALSE(registry.contains("app_http_requests"));
    EXPECT_EQ(call("Declare", kDeclareCounter), "true");
}

TEST_F(MetricsRpcTest, ArgumentsDecodeLikeGoEncodingJson) {
    ASSERT_EQ(call("Declare", R"({"NAME":"g","Collector":{"TYPE":"gauge","extra":1}})"), "true");
    EXPECT_EQ(call("Set", R"({"Name":"g","VALUE":4,"unknown":"x"})"), "true");
    EXPECT_EQ(value("g"), 4);
    EXPECT_EQ(call("Set", R"({"name":"g","value":"4"})"),
              "json: cannot unmarshal string into Go struct field Metric.value of type float64");
    // PHP integer label values (e.g. a status code) are not strings.
    EXPECT_EQ(call("Set", R"({"name":"g","value":1,"labels":[200]})"),
              "json: cannot unmarshal number into Go struct field Metric.labels of type string");
    EXPECT_EQ(call("Set", R"([1,2])"),
              "json: cannot unmarshal array into Go value of type metrics.Metric");
    EXPECT_EQ(call("Unregister", R"({"name":"g"})"),
              "json: cannot unmarshal object into Go value of type string");
    EXPECT_EQ(
        call("Declare", R"({"name":"s","collector":{"type":"summary","objectives":{"x":1}}})"),
        "json: cannot unmarshal number x into Go struct field "
        "NamedCollector.collector.objectives of type float64");
    EXPECT_EQ(call("Set", "{"), "json: invalid JSON in the RPC arguments");
    EXPECT_EQ(call("metrics.Reset", "null"), "rpc: can't find method metrics.Reset");
}

TEST_F(MetricsRpcTest, DeclareFromConfig) {
    std::map<std::string, CollectorConfig> collect;
    collect["app_metric_counter"] = {.type = "counter", .help = "Custom counter."};
    collect["app_latency"] = {
        .type = "histogram", .ns = "rr", .labels = {"route"}, .buckets = {0.1, 0.5}};
    collect["app_summary"] = {.type = "summary", .objectives = {{0.5, 0.05}}};
    ASSERT_TRUE(rpc.declare_config(collect));
    EXPECT_TRUE(registry.contains("rr_app_latency"));
    // PHP then feeds them; declaring them again from PHP is the suppressed error.
    EXPECT_EQ(call("Add", R"({"name":"app_metric_counter","value":1})"), "true");
    EXPECT_EQ(call("Observe", R"({"name":"app_latency","value":0.2,"labels":["/"]})"), "true");
    EXPECT_EQ(call("Declare", R"({"name":"app_metric_counter","collector":{"type":"counter"}})"),
              "metrics_plugin_declare: tried to register existing collector with the name "
              "`app_metric_counter`");
    EXPECT_EQ(value("app_metric_counter"), 1);
    EXPECT_EQ(value("rr_app_latency_bucket", {{"route", "/"}, {"le", "0.5"}}), 1);

    MetricsRpc other(registry);
    auto bad = other.declare_config({{"x", {.type = "meter"}}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "metrics_plugin_init: invalid metric type `meter` for `x`");
    auto clash = other.declare_config(
        {{"app_metric_counter", {.type = "counter", .help = "Custom counter."}}});
    ASSERT_FALSE(clash);
    EXPECT_EQ(clash.error().message,
              "metrics_plugin_init: collector `app_metric_counter`: duplicate metrics collector "
              "registration attempted");
}

}  // namespace
}  // namespace rr::metrics
