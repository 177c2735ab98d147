#pragma once
// The set of metric families and collectors one /metrics endpoint exposes.
//
//   Registry registry;
//   auto requests = registry.counter({.name = "rr_http_request_total", .help = "...",
//                                     .label_names = {"status"}}).value();
//   auto ok = requests->with({"200"}).value();   // keep the handle on hot paths
//   ok->inc();
//   std::string body = registry.scrape_text();
//
// Declaring validates names, labels, buckets and objectives with client_golang's rules and
// error texts. A fully-qualified name can be registered once (a family, or a collector that
// describes it); unregister() frees it.
//
// Locking: one mutex guards the name table; gather() holds it only to copy the family and
// collector handles, then snapshots each family under that family's own lock (see family.h).
// Updates through series handles never touch either lock.
//
// Thread safety: every member function is safe from any thread.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/expected.h"
#include "metrics/family.h"
#include "metrics/snapshot.h"

namespace rr::metrics {

class Registry {
public:
    Registry() = default;
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    /// Declares a family. Errors: invalid metric or label name, duplicate label names, a
    /// reserved label ("le" in histograms, "quantile" in summaries), bad buckets or
    /// objectives, help that is not UTF-8, a name already registered, a name that clashes
    /// with the _bucket/_sum/_count series of a histogram or summary.
    Expected<std::shared_ptr<CounterFamily>> counter(const Desc& desc);
    Expected<std::shared_ptr<GaugeFamily>> gauge(const Desc& desc);
    Expected<std::shared_ptr<HistogramFamily>> histogram(const Desc& desc);
    Expected<std::shared_ptr<SummaryFamily>> summary(const Desc& desc);

    /// Adds a collector; every name it describes must be valid and free.
    Expected<void> add_collector(std::shared_ptr<const Collector> collector);

    /// Removes the family named `name`; false when there is none.
    bool unregister(std::string_view name);
    /// Removes a collector (and frees its names); false when it is not registered.
    bool remove_collector(const Collector* collector);

    /// True when `name` is taken by a family or a collector.
    bool contains(std::string_view name) const;
    /// The names of every family and every collector's families, sorted.
    std::vector<std::string> names() const;

    /// Every non-empty family, sorted by name, series sorted (see FamilySnapshot::sort_series).
    std::vector<FamilySnapshot> gather() const;

    /// gather() written in the text exposition format 0.0.4.
    std::string scrape_text() const;

private:
    struct CollectorEntry {
        std::shared_ptr<const Collector> collector;
        std::vector<std::string> names;
    };

    Expected<void> check_common(const Desc& desc) const;
    Expected<void> insert(std::shared_ptr<FamilyBase> family);
    /// A name that clashes with the _bucket/_sum/_count series of a histogram or summary (or,
    /// for a new histogram or summary, whose series clash with an existing name).
    Expected<void> check_suffixes_locked(std::string_view name, MetricType type) const;

    mutable std::mutex mu_;
    std::map<std::string, std::shared_ptr<FamilyBase>, std::less<>> families_;
    std::map<std::string, const Collector*, std::less<>> collector_names_;
    std::vector<CollectorEntry> collectors_;
};

/// Exposes another registry's families through this one (a plugin that owns its families,
/// such as http_metrics, hands its registry to the metrics plugin this way). describe() lists
/// the names the other registry holds when the collector is added; families declared there
/// later are not exposed.
class RegistryCollector final : public Collector {
public:
    explicit RegistryCollector(std::shared_ptr<const Registry> registry)
        : registry_(std::move(registry)) {}
    std::vector<std::string> describe() const override { return registry_->names(); }
    void collect(std::vector<FamilySnapshot>& out) const override;

private:
    std::shared_ptr<const Registry> registry_;
};

}  // namespace rr::metrics
