#include "metrics/family.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "metrics/names.h"

namespace rr::metrics {

std::string_view to_string(MetricType type) noexcept {
    switch (type) {
        case MetricType::kCounter:
            return "counter";
        case MetricType::kGauge:
            return "gauge";
        case MetricType::kHistogram:
            return "histogram";
        case MetricType::kSummary:
            return "summary";
        case MetricType::kUntyped:
            return "untyped";
    }
    return "untyped";
}

void FamilySnapshot::add(std::vector<std::string> label_values, double v) {
    SeriesSnapshot& s = series.emplace_back();
    s.label_values = std::move(label_values);
    s.value = v;
}

void FamilySnapshot::sort_series() {
    if (label_names.empty() || series.size() < 2) return;
    std::vector<std::size_t> order(label_names.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return label_names[a] < label_names[b]; });
    std::sort(series.begin(), series.end(), [&](const SeriesSnapshot& a, const SeriesSnapshot& b) {
        for (const std::size_t i : order) {
            if (i >= a.label_values.size() || i >= b.label_values.size()) {
                return a.label_values.size() < b.label_values.size();
            }
            const int c = a.label_values[i].compare(b.label_values[i]);
            if (c != 0) return c < 0;
        }
        return false;
    });
}

Expected<void> FamilyBase::check_values(std::span<const std::string_view> values) const {
    if (values.size() != label_names_.size()) {
        std::vector<std::string> copy(values.begin(), values.end());
        return Error{
            fmt::format("inconsistent label cardinality: expected {} label values but got {} in {}",
                        label_names_.size(), values.size(), go_string_slice(copy))};
    }
    for (const std::string_view v : values) {
        if (!is_valid_utf8(v)) {
            return Error{fmt::format("label value {} is not valid UTF-8", go_quote(v))};
        }
    }
    return success();
}

void FamilyBase::make_key(std::string& key, std::span<const std::string_view> values) {
    key.clear();
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) key.push_back('\xff');
        key.append(values[i]);
    }
}

namespace detail {

void read_series(const Counter& s, SeriesSnapshot& out) {
    out.value = s.value();
}

void read_series(const Gauge& s, SeriesSnapshot& out) {
    out.value = s.value();
}

void read_series(const Histogram& s, SeriesSnapshot& out) {
    s.read(out.buckets, out.sum);
    out.count = out.buckets.empty() ? 0 : out.buckets.back();
}

void read_series(Summary& s, SeriesSnapshot& out) {
    s.read(out.quantiles, out.sum, out.count);
}

}  // namespace detail

}  // namespace rr::metrics
