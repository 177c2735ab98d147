// The text exposition writer: byte-exact output for small registries, number formatting,
// escaping, ordering, and robustness against malformed collector output.

#include "metrics/text_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "metrics/registry.h"
#include "support/prom_text_parser.h"

namespace rr::metrics {
namespace {

std::string fmt_double(double v) {
    std::string s;
    append_double(s, v);
    return s;
}

TEST(TextFormat, NumbersAreWrittenAsGoFormatFloatG) {
    EXPECT_EQ(fmt_double(0), "0");
    EXPECT_EQ(fmt_double(-0.0), "-0");
    EXPECT_EQ(fmt_double(1), "1");
    EXPECT_EQ(fmt_double(-2), "-2");
    EXPECT_EQ(fmt_double(0.1), "0.1");
    EXPECT_EQ(fmt_double(0.005), "0.005");
    EXPECT_EQ(fmt_double(12.5), "12.5");
    EXPECT_EQ(fmt_double(0.0001), "0.0001");
    EXPECT_EQ(fmt_double(0.00001), "1e-05");
    EXPECT_EQ(fmt_double(0.000123), "0.000123");
    EXPECT_EQ(fmt_double(1.5e-7), "1.5e-07");
    EXPECT_EQ(fmt_double(100000), "100000");
    EXPECT_EQ(fmt_double(999999), "999999");
    EXPECT_EQ(fmt_double(1000000), "1e+06");
    EXPECT_EQ(fmt_double(1234567), "1.234567e+06");
    EXPECT_EQ(fmt_double(9842688), "9.842688e+06");
    EXPECT_EQ(fmt_double(1642757847.24), "1.64275784724e+09");
    EXPECT_EQ(fmt_double(123456.7), "123456.7");
    EXPECT_EQ(fmt_double(18446744073709551615.0), "1.8446744073709552e+19");
    EXPECT_EQ(fmt_double(1e100), "1e+100");
    EXPECT_EQ(fmt_double(5e-324), "5e-324");
    EXPECT_EQ(fmt_double(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(fmt_double(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(fmt_double(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(fmt_double(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(TextFormat, EscapesHelpAndLabelValues) {
    std::string help;
    append_escaped_help(help, "a \\ b\nc \"q\"");
    EXPECT_EQ(help, "a \\\\ b\\nc \"q\"");
    std::string value;
    append_escaped_label_value(value, "a \\ b\nc \"q\"");
    EXPECT_EQ(value, "a \\\\ b\\nc \\\"q\\\"");
}

TEST(TextFormat, SmallRegistryByteExact) {
    Registry r;
    auto requests = r.counter({.name = "http_requests_total",
                               .help = "Requests served.",
                               .label_names = {"status", "method"}})
                        .value();
    requests->with({"200", "GET"}).value()->add(3);
    requests->with({"404", "GET"}).value()->inc();
    requests->with({"200", "POST"}).value()->inc();
    auto temp = r.gauge({.name = "temperature", .help = "Line 1\nback\\slash"}).value();
    temp->scalar()->set(-1.5);
    auto latency =
        r.histogram({.name = "latency_seconds", .help = "Latency.", .buckets = {0.1, 1}}).value();
    latency->scalar()->observe(0.05);
    latency->scalar()->observe(0.5);
    latency->scalar()->observe(3);
    auto sizes = r.summary({.name = "sizes", .help = "", .label_names = {"kind"}}).value();
    sizes->with({"a\"b"}).value()->observe(2);

    EXPECT_EQ(r.scrape_text(),
              "# HELP http_requests_total Requests served.\n"
              "# TYPE http_requests_total counter\n"
              "http_requests_total{method=\"GET\",status=\"200\"} 3\n"
              "http_requests_total{method=\"GET\",status=\"404\"} 1\n"
              "http_requests_total{method=\"POST\",status=\"200\"} 1\n"
              "# HELP latency_seconds Latency.\n"
              "# TYPE latency_seconds histogram\n"
              "latency_seconds_bucket{le=\"0.1\"} 1\n"
              "latency_seconds_bucket{le=\"1\"} 2\n"
              "latency_seconds_bucket{le=\"+Inf\"} 3\n"
              "latency_seconds_sum 3.55\n"
              "latency_seconds_count 3\n"
              "# HELP sizes \n"
              "# TYPE sizes summary\n"
              "sizes_sum{kind=\"a\\\"b\"} 2\n"
              "sizes_count{kind=\"a\\\"b\"} 1\n"
              "# HELP temperature Line 1\\nback\\\\slash\n"
              "# TYPE temperature gauge\n"
              "temperature -1.5\n");
}

TEST(TextFormat, LabelledHistogramAndSummaryQuantiles) {
    Registry r;
    auto h = r.histogram({.name = "rr_http_request_duration_seconds",
                          .help = "Request duration.",
                          .label_names = {"status"},
                          .buckets = {0.5, 1}})
                 .value();
    h->with({"500"}).value()->observe(0.7);
    h->with({"200"}).value()->observe(0.1);
    auto s =
        r.summary(
             {.name = "job_seconds", .help = "Job time.", .objectives = {{0.9, 0.01}, {0.5, 0.05}}})
            .value();
    s->scalar()->observe(4);

    EXPECT_EQ(r.scrape_text(),
              "# HELP job_seconds Job time.\n"
              "# TYPE job_seconds summary\n"
              "job_seconds{quantile=\"0.5\"} 4\n"
              "job_seconds{quantile=\"0.9\"} 4\n"
              "job_seconds_sum 4\n"
              "job_seconds_count 1\n"
              "# HELP rr_http_request_duration_seconds Request duration.\n"
              "# TYPE rr_http_request_duration_seconds histogram\n"
              "rr_http_request_duration_seconds_bucket{status=\"200\",le=\"0.5\"} 1\n"
              "rr_http_request_duration_seconds_bucket{status=\"200\",le=\"1\"} 1\n"
              "rr_http_request_duration_seconds_bucket{status=\"200\",le=\"+Inf\"} 1\n"
              "rr_http_request_duration_seconds_sum{status=\"200\"} 0.1\n"
              "rr_http_request_duration_seconds_count{status=\"200\"} 1\n"
              "rr_http_request_duration_seconds_bucket{status=\"500\",le=\"0.5\"} 0\n"
              "rr_http_request_duration_seconds_bucket{status=\"500\",le=\"1\"} 1\n"
              "rr_http_request_duration_seconds_bucket{status=\"500\",le=\"+Inf\"} 1\n"
              "rr_http_request_duration_seconds_sum{status=\"500\"} 0.7\n"
              "rr_http_request_duration_seconds_count{status=\"500\"} 1\n");
}

TEST(TextFormat, EmptySummaryWindowIsNaN) {
    Registry r;
    auto s = r.summary({.name = "s", .help = "h", .objectives = {{0.5, 0.05}}}).value();
    EXPECT_EQ(r.scrape_text(),
              "# HELP s h\n# TYPE s summary\ns{quantile=\"0.5\"} NaN\ns_sum 0\ns_count 0\n");
}

TEST(TextFormat, LabelledFamilyWithoutSeriesIsNotExposed) {
    Registry r;
    ASSERT_TRUE(r.counter({.name = "a_total", .help = "h", .label_names = {"x"}}));
    EXPECT_EQ(r.scrape_text(), "");
    ASSERT_TRUE(r.counter({.name = "b_total", .help = "h"}));
    EXPECT_EQ(r.scrape_text(), "# HELP b_total h\n# TYPE b_total counter\nb_total 0\n");
}

TEST(TextFormat, SeriesSortedByLabelValuesInLabelNameOrder) {
    Registry r;
    // Declared (z, a): the sort compares a's values first.
    auto g = r.gauge({.name = "g", .help = "h", .label_names = {"z", "a"}}).value();
    g->with({"1", "b"}).value()->set(1);
    g->with({"2", "a"}).value()->set(2);
    g->with({"0", "b"}).value()->set(3);
    g->with({"", "a"}).value()->set(4);
    EXPECT_EQ(r.scrape_text(),
              "# HELP g h\n# TYPE g gauge\n"
              "g{a=\"a\",z=\"\"} 4\n"
              "g{a=\"a\",z=\"2\"} 2\n"
              "g{a=\"b\",z=\"0\"} 3\n"
              "g{a=\"b\",z=\"1\"} 1\n");
}

// A collector that emits malformed series: the writer skips them.
class BrokenCollector final : public Collector {
public:
    std::vector<std::string> describe() const override { return {"broken", "fine"}; }
    void collect(std::vector<FamilySnapshot>& out) const override {
        FamilySnapshot& f = out.emplace_back();
        f.name = "broken";
        f.type = MetricType::kHistogram;
        f.bounds = {1};
        f.label_names = {"x"};
        SeriesSnapshot& wrong_labels = f.series.emplace_back();
        wrong_labels.buckets = {1, 1};
        SeriesSnapshot& wrong_buckets = f.series.emplace_back();
        wrong_buckets.label_values = {"a"};
        wrong_buckets.buckets = {1};
        SeriesSnapshot& good = f.series.emplace_back();
        good.label_values = {"b"};
        good.buckets = {1, 2};
        good.sum = 3;
        good.count = 99;  // ignored: _count is the +Inf bucket
        FamilySnapshot& g = out.emplace_back();
        g.name = "fine";
        g.type = MetricType::kGauge;
        g.add({}, 1);
        FamilySnapshot& undeclared = out.emplace_back();
        undeclared.name = "not_described";
        undeclared.add({}, 1);
    }
};

TEST(TextFormat, MalformedCollectorSeriesAreSkipped) {
    Registry r;
    ASSERT_TRUE(r.add_collector(std::make_shared<BrokenCollector>()));
    const std::string text = r.scrape_text();
    EXPECT_EQ(text,
              "# HELP broken \n# TYPE broken histogram\n"
              "broken_bucket{x=\"b\",le=\"1\"} 1\n"
              "broken_bucket{x=\"b\",le=\"+Inf\"} 2\n"
              "broken_sum{x=\"b\"} 3\n"
              "broken_count{x=\"b\"} 2\n"
              "# HELP fine \n# TYPE fine gauge\nfine 1\n");
    auto parsed = rr::test::prom::parse(text);
    EXPECT_TRUE(parsed) << parsed.error;
}

}  // namespace
}  // namespace rr::metrics
