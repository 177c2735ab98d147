#pragma once
// What a scrape sees: plain values copied out of the live series, and the Collector interface
// for metrics computed at scrape time (process stats, worker pool gauges).
//
// Thread safety: snapshots are plain values owned by the scraping thread. Collector::collect()
// is called on the scraping thread and must be safe to call concurrently with anything the
// collector observes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rr::metrics {

enum class MetricType : std::uint8_t { kCounter, kGauge, kHistogram, kSummary, kUntyped };

/// "counter", "gauge", "histogram", "summary", "untyped" (the # TYPE words).
std::string_view to_string(MetricType type) noexcept;

struct SeriesSnapshot {
    std::vector<std::string> label_values;  ///< parallel to FamilySnapshot::label_names
    double value = 0;                       ///< counter, gauge, untyped
    /// Histogram: cumulative counts, one per FamilySnapshot::bounds and a last one for +Inf,
    /// which equals `count`.
    std::vector<std::uint64_t> buckets;
    std::vector<double> quantiles;  ///< summary: parallel to FamilySnapshot::quantiles
    double sum = 0;                 ///< histogram, summary
    std::uint64_t count = 0;        ///< histogram, summary
};

struct FamilySnapshot {
    std::string name;
    std::string help;
    MetricType type = MetricType::kUntyped;
    std::vector<std::string> label_names;
    std::vector<double> bounds;     ///< histogram upper bounds, without +Inf
    std::vector<double> quantiles;  ///< summary quantiles, ascending
    std::vector<SeriesSnapshot> series;

    /// Adds a counter/gauge/untyped series (a helper for collectors).
    void add(std::vector<std::string> label_values, double value);

    /// Orders the series as Prometheus clients do: by label values, compared in the order of
    /// the label names sorted by name.
    void sort_series();
};

/// Produces families at scrape time. Registered with Registry::add_collector().
class Collector {
public:
    virtual ~Collector() = default;
    /// The names of every family collect() can emit (checked for conflicts at registration).
    virtual std::vector<std::string> describe() const = 0;
    /// Appends the current families. Families without series are not exposed.
    virtual void collect(std::vector<FamilySnapshot>& out) const = 0;
};

}  // namespace rr::metrics
