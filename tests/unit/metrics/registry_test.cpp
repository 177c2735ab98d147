// Registry: declaration rules and their error texts, handles, removal, collectors.

#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "metrics/names.h"

namespace rr::metrics {
namespace {

std::string error_of(const Expected<std::shared_ptr<CounterFamily>>& r) {
    return r ? "" : r.error().message;
}

TEST(Names, MetricAndLabelNameRules) {
    EXPECT_TRUE(is_valid_metric_name("a"));
    EXPECT_TRUE(is_valid_metric_name("_a:b_1"));
    EXPECT_TRUE(is_valid_metric_name(":x"));
    EXPECT_FALSE(is_valid_metric_name(""));
    EXPECT_FALSE(is_valid_metric_name("1a"));
    EXPECT_FALSE(is_valid_metric_name("a-b"));
    EXPECT_FALSE(is_valid_metric_name("a b"));
    EXPECT_FALSE(is_valid_metric_name("é"));
    EXPECT_TRUE(is_valid_label_name("status"));
    EXPECT_TRUE(is_valid_label_name("_x9"));
    EXPECT_FALSE(is_valid_label_name("__name__"));
    EXPECT_FALSE(is_valid_label_name("a:b"));
    EXPECT_FALSE(is_valid_label_name("9a"));
    EXPECT_FALSE(is_valid_label_name(""));
}

TEST(Names, FullyQualifiedNames) {
    EXPECT_EQ(build_fq_name("app", "http", "requests"), "app_http_requests");
    EXPECT_EQ(build_fq_name("", "http", "requests"), "http_requests");
    EXPECT_EQ(build_fq_name("app", "", "requests"), "app_requests");
    EXPECT_EQ(build_fq_name("app", "http", ""), "");
}

TEST(Names, GoQuoting) {
    EXPECT_EQ(go_quote("a\"b\\c\n\x01\xff é"), "\"a\\\"b\\\\c\\n\\x01\\xff é\"");
    const std::vector<std::string> v = {"a", "b\""};
    EXPECT_EQ(go_string_slice(v), "[]string{\"a\", \"b\\\"\"}");
    EXPECT_EQ(go_fixed(2), "2.000000");
}

TEST(Registry, RejectsInvalidNamesWithClientGolangTexts) {
    Registry r;
    EXPECT_EQ(error_of(r.counter({.name = "bad-name"})), "\"bad-name\" is not a valid metric name");
    EXPECT_EQ(error_of(r.counter({.name = ""})), "\"\" is not a valid metric name");
    EXPECT_EQ(error_of(r.counter({.name = "ok", .label_names = {"bad label"}})),
              "\"bad label\" is not a valid label name for metric \"ok\"");
    EXPECT_EQ(error_of(r.counter({.name = "ok", .label_names = {"__reserved"}})),
              "\"__reserved\" is not a valid label name for metric \"ok\"");
    EXPECT_EQ(error_of(r.counter({.name = "ok", .label_names = {"a", "b", "a"}})),
              "duplicate label names in constant and variable labels for metric \"ok\"");
    EXPECT_EQ(error_of(r.counter({.name = "ok", .help = "\xff"})),
              "help text of metric \"ok\" is not valid UTF-8");
    EXPECT_FALSE(r.contains("ok"));
}

TEST(Registry, HistogramRules) {
    Registry r;
    auto le = r.histogram({.name = "h", .label_names = {"le"}});
    ASSERT_FALSE(le);
    EXPECT_EQ(le.error().message, "\"le\" is not allowed as label name in histograms");
    auto order = r.histogram({.name = "h", .buckets = {1, 2, 2}});
    ASSERT_FALSE(order);
    EXPECT_EQ(order.error().message,
              "histogram buckets must be in increasing order: 2.000000 >= 2.000000");
    auto nan = r.histogram({.name = "h", .buckets = {1, std::numeric_limits<double>::quiet_NaN()}});
    ASSERT_FALSE(nan);
    EXPECT_EQ(nan.error().message, "histogram buckets must not be NaN");

    // A trailing +Inf is implicit; no buckets means the defaults.
    auto inf =
        r.histogram({.name = "h1", .buckets = {1, 2, std::numeric_limits<double>::infinity()}});
    ASSERT_TRUE(inf);
    FamilySnapshot snap;
    inf.value()->snapshot(snap);
    EXPECT_EQ(snap.bounds, (std::vector<double>{1, 2}));
    auto defaults = r.histogram({.name = "h2"});
    ASSERT_TRUE(defaults);
    defaults.value()->snapshot(snap);
    EXPECT_EQ(snap.bounds.size(), 11u);
}

TEST(Registry, SummaryRules) {
    Registry r;
    auto q = r.summary({.name = "s", .label_names = {"quantile"}});
    ASSERT_FALSE(q);
    EXPECT_EQ(q.error().message, "\"quantile\" is not allowed as label name in summaries");
    auto bad_q = r.summary({.name = "s", .objectives = {{1.5, 0.1}}});
    ASSERT_FALSE(bad_q);
    EXPECT_EQ(bad_q.error().message, "summary objective quantile 1.5 must be between 0 and 1");
    auto bad_e = r.summary({.name = "s", .objectives = {{0.5, -1}}});
    ASSERT_FALSE(bad_e);
    EXPECT_EQ(bad_e.error().message,
              "summary objective error -1 for quantile 0.5 must be between 0 and 1");
    auto bad_age = r.summary({.name = "s", .max_age = std::chrono::seconds(0)});
    ASSERT_FALSE(bad_age);

    // Objectives end up sorted; a repeated quantile keeps the last error.
    auto ok = r.summary({.name = "s", .objectives = {{0.9, 0.01}, {0.5, 0.05}, {0.9, 0.02}}});
    ASSERT_TRUE(ok);
    FamilySnapshot snap;
    ok.value()->snapshot(snap);
    EXPECT_EQ(snap.quantiles, (std::vector<double>{0.5, 0.9}));
}

TEST(Registry, ANameIsRegisteredOnce) {
    Registry r;
    ASSERT_TRUE(r.counter({.name = "x_total", .help = "h", .label_names = {"a"}}));
    EXPECT_EQ(error_of(r.counter({.name = "x_total", .help = "h", .label_names = {"a"}})),
              "duplicate metrics collector registration attempted");
    auto g = r.gauge({.name = "x_total", .help = "other"});
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().message,
              "a previously registered descriptor with the same fully-qualified name as "
              "\"x_total\" has different label names or a different help string");
    EXPECT_TRUE(r.unregister("x_total"));
    EXPECT_FALSE(r.unregister("x_total"));
    EXPECT_TRUE(r.gauge({.name = "x_total", .help = "other"}));
}

TEST(Registry, NamesMayNotClashWithHistogramAndSummarySeries) {
    Registry r;
    ASSERT_TRUE(r.histogram({.name = "h"}));
    ASSERT_TRUE(r.summary({.name = "s"}));
    auto sum = r.gauge({.name = "h_sum"});
    ASSERT_FALSE(sum);
    EXPECT_EQ(sum.error().message,
              "metric name \"h_sum\" collides with the sum of histogram \"h\"");
    EXPECT_FALSE(r.counter({.name = "h_bucket"}));
    EXPECT_FALSE(r.counter({.name = "s_count"}));
    EXPECT_TRUE(r.counter({.name = "s_bucket"}));  // summaries have no buckets
    EXPECT_TRUE(r.counter({.name = "h_total"}));

    // The other way round: a new histogram whose series would clash.
    ASSERT_TRUE(r.gauge({.name = "x_count"}));
    auto x = r.histogram({.name = "x"});
    ASSERT_FALSE(x);
    EXPECT_EQ(x.error().message,
              "metric name \"x_count\" collides with the count of histogram \"x\"");
    EXPECT_FALSE(r.summary({.name = "x"}));
    EXPECT_TRUE(r.gauge({.name = "x"}));
}

TEST(Registry, LabelValuesAreChecked) {
    Registry r;
    auto f = r.counter({.name = "c", .label_names = {"a", "b"}}).value();
    auto one = f->with({"x"});
    ASSERT_FALSE(one);
    EXPECT_EQ(one.error().message,
              "inconsistent label cardinality: expected 2 label values but got 1 in "
              "[]string{\"x\"}");
    auto utf = f->with({"x", "\xc3"});
    ASSERT_FALSE(utf);
    EXPECT_EQ(utf.error().message, "label value \"\\xc3\" is not valid UTF-8");
    EXPECT_EQ(f->size(), 0u);
    EXPECT_EQ(f->scalar(), nullptr);
}

TEST(Registry, HandlesAreSharedAndSurviveRemoval) {
    Registry r;
    auto f = r.counter({.name = "c", .label_names = {"a"}}).value();
    auto h1 = f->with({"x"}).value();
    auto h2 = f->with({"x"}).value();
    EXPECT_EQ(h1, h2);
    h1->inc();
    EXPECT_EQ(h2->value(), 1);
    EXPECT_TRUE(f->remove(std::vector<std::string>{"x"}));
    EXPECT_FALSE(f->remove(std::vector<std::string>{"x"}));
    h1->inc();  // still valid, just no longer exposed
    EXPECT_EQ(r.scrape_text(), "");
    EXPECT_TRUE(r.unregister("c"));
    h1->inc();
    EXPECT_EQ(h1->value(), 3);
}

class FixedCollector final : public Collector {
public:
    explicit FixedCollector(std::vector<std::string> names) : names_(std::move(names)) {}
    std::vector<std::string> describe() const override { return names_; }
    void collect(std::vector<FamilySnapshot>& out) const override {
        for (const std::string& n : names_) {
            FamilySnapshot& f = out.emplace_back();
            f.name = n;
            f.type = MetricType::kGauge;
            f.label_names = {"pid"};
            f.add({"20"}, 2);
            f.add({"10"}, 1);
        }
    }

private:
    std::vector<std::string> names_;
};

TEST(Registry, CollectorsShareTheNameSpace) {
    Registry r;
    ASSERT_TRUE(r.gauge({.name = "taken"}));
    auto clash =
        r.add_collector(std::make_shared<FixedCollector>(std::vector<std::string>{"taken"}));
    ASSERT_FALSE(clash);
    EXPECT_EQ(clash.error().message, "duplicate metrics collector registration attempted");
    auto bad = r.add_collector(std::make_shared<FixedCollector>(std::vector<std::string>{"a-b"}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "\"a-b\" is not a valid metric name");

    auto c = std::make_shared<FixedCollector>(std::vector<std::string>{"b_workers", "a_workers"});
    ASSERT_TRUE(r.add_collector(c));
    EXPECT_TRUE(r.contains("a_workers"));
    EXPECT_FALSE(r.gauge({.name = "a_workers"}));
    const auto families = r.gather();
    ASSERT_EQ(families.size(), 3u);
    EXPECT_EQ(families[0].name, "a_workers");
    EXPECT_EQ(families[0].series[0].label_values[0], "10");  // sorted
    EXPECT_EQ(families[1].name, "b_workers");
    EXPECT_EQ(families[2].name, "taken");
    EXPECT_TRUE(r.remove_collector(c.get()));
    EXPECT_FALSE(r.remove_collector(c.get()));
    EXPECT_FALSE(r.contains("a_workers"));
    EXPECT_EQ(r.gather().size(), 1u);
}

}  // namespace
}  // namespace rr::metrics
