#include "metrics/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "metrics/names.h"
#include "metrics/text_format.h"

namespace rr::metrics {

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

Expected<void> check_label_names(std::string_view metric, const std::vector<std::string>& names) {
    for (const std::string& l : names) {
        if (!is_valid_label_name(l)) {
            return Error{fmt::format("{} is not a valid label name for metric {}", go_quote(l),
                                     go_quote(metric))};
        }
    }
    const std::vector<std::string> s = sorted(names);
    if (std::adjacent_find(s.begin(), s.end()) != s.end()) {
        return Error{
            fmt::format("duplicate label names in constant and variable labels for metric {}",
                        go_quote(metric))};
    }
    return success();
}

bool has_label(const std::vector<std::string>& names, std::string_view l) {
    return std::find(names.begin(), names.end(), l) != names.end();
}

Expected<std::vector<double>> histogram_bounds(const std::vector<double>& requested) {
    std::vector<double> b = requested;
    if (b.empty()) {
        const auto d = default_buckets();
        return std::vector<double>(d.begin(), d.end());
    }
    if (std::isinf(b.back()) && b.back() > 0) b.pop_back();  // +Inf is implicit
    for (const double v : b) {
        if (std::isnan(v)) return Error{"histogram buckets must not be NaN"};
    }
    for (std::size_t i = 0; i + 1 < b.size(); ++i) {
        if (b[i] >= b[i + 1]) {
            return Error{fmt::format("histogram buckets must be in increasing order: {} >= {}",
                                     go_fixed(b[i]), go_fixed(b[i + 1]))};
        }
    }
    return b;
}

Expected<std::vector<Objective>> summary_objectives(const std::vector<Objective>& requested) {
    std::vector<Objective> out;
    for (const Objective& o : requested) {
        if (!(o.quantile >= 0 && o.quantile <= 1)) {
            return Error{
                fmt::format("summary objective quantile {} must be between 0 and 1", o.quantile)};
        }
        if (!(o.error >= 0 && o.error <= 1)) {
            return Error{
                fmt::format("summary objective error {} for quantile {} must be between 0 and 1",
                            o.error, o.quantile)};
        }
        // A later entry for the same quantile replaces the earlier one (a map, as upstream's).
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const Objective& x) { return x.quantile == o.quantile; });
        if (it != out.end()) {
            *it = o;
        } else {
            out.push_back(o);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const Objective& a, const Objective& b) { return a.quantile < b.quantile; });
    return out;
}

}  // namespace

Expected<void> Registry::check_common(const Desc& desc) const {
    if (!is_valid_metric_name(desc.name)) {
        return Error{fmt::format("{} is not a valid metric name", go_quote(desc.name))};
    }
    if (auto ok = check_label_names(desc.name, desc.label_names); !ok) return ok.error();
    if (!is_valid_utf8(desc.help)) {
        return Error{fmt::format("help text of metric {} is not valid UTF-8", go_quote(desc.name))};
    }
    return success();
}

Expected<void> Registry::insert(std::shared_ptr<FamilyBase> family) {
    std::lock_guard lock(mu_);
    const std::string& name = family->name();
    if (auto it = families_.find(name); it != families_.end()) {
        const FamilyBase& old = *it->second;
        if (old.help() == family->help() &&
            sorted(old.label_names()) == sorted(family->label_names())) {
            return Error{"duplicate metrics collector registration attempted"};
        }
        return Error{fmt::format(
            "a previously registered descriptor with the same fully-qualified name as {} has "
            "different label names or a different help string",
            go_quote(name))};
    }
    if (collector_names_.contains(name)) {
        return Error{"duplicate metrics collector registration attempted"};
    }
    if (auto ok = check_suffixes_locked(name, family->type()); !ok) return ok.error();
    families_.emplace(name, std::move(family));
    return success();
}

Expected<void> Registry::check_suffixes_locked(std::string_view name, MetricType type) const {
    // The series names a family adds beside its own: a histogram "h" writes h_bucket, h_sum and
    // h_count; a summary "s" writes s_sum and s_count. Another family by one of those names
    // would make the scrape ambiguous (client_golang fails the whole scrape on it).
    auto suffixes = [](MetricType t) -> std::vector<std::string_view> {
        if (t == MetricType::kHistogram) return {"_bucket", "_sum", "_count"};
        if (t == MetricType::kSummary) return {"_sum", "_count"};
        return {};
    };
    auto taken = [&](const std::string& n) {
        return families_.contains(n) || collector_names_.contains(n);
    };
    for (const std::string_view suffix : suffixes(type)) {
        const std::string derived = std::string(name) + std::string(suffix);
        if (taken(derived)) {
            return Error{fmt::format("metric name {} collides with the {} of {} {}",
                                     go_quote(derived), suffix.substr(1), to_string(type),
                                     go_quote(name))};
        }
    }
    for (const std::string_view suffix : {"_bucket", "_sum", "_count"}) {
        if (!name.ends_with(suffix)) continue;
        const std::string_view base = name.substr(0, name.size() - suffix.size());
        auto it = families_.find(base);
        if (it == families_.end()) continue;
        const auto& owned = suffixes(it->second->type());
        if (std::find(owned.begin(), owned.end(), suffix) != owned.end()) {
            return Error{fmt::format("metric name {} collides with the {} of {} {}", go_quote(name),
                                     suffix.substr(1), to_string(it->second->type()),
                                     go_quote(base))};
        }
    }
    return success();
}

Expected<std::shared_ptr<CounterFamily>> Registry::counter(const Desc& desc) {
    if (auto ok = check_common(desc); !ok) return ok.error();
    auto family = std::make_shared<CounterFamily>(MetricType::kCounter, desc,
                                                  [] { return std::make_shared<Counter>(); });
    if (auto ok = insert(family); !ok) return ok.error();
    return family;
}

Expected<std::shared_ptr<GaugeFamily>> Registry::gauge(const Desc& desc) {
    if (auto ok = check_common(desc); !ok) return ok.error();
    auto family = std::make_shared<GaugeFamily>(MetricType::kGauge, desc,
                                                [] { return std::make_shared<Gauge>(); });
    if (auto ok = insert(family); !ok) return ok.error();
    return family;
}

Expected<std::shared_ptr<HistogramFamily>> Registry::histogram(const Desc& desc) {
    if (auto ok = check_common(desc); !ok) return ok.error();
    if (has_label(desc.label_names, "le")) {
        return Error{"\"le\" is not allowed as label name in histograms"};
    }
    auto bounds = histogram_bounds(desc.buckets);
    if (!bounds) return bounds.error();
    auto shared = std::make_shared<const std::vector<double>>(bounds.value());
    auto family = std::make_shared<HistogramFamily>(
        MetricType::kHistogram, desc, [shared] { return std::make_shared<Histogram>(shared); },
        bounds.value());
    if (auto ok = insert(family); !ok) return ok.error();
    return family;
}

Expected<std::shared_ptr<SummaryFamily>> Registry::summary(const Desc& desc) {
    if (auto ok = check_common(desc); !ok) return ok.error();
    if (has_label(desc.label_names, "quantile")) {
        return Error{"\"quantile\" is not allowed as label name in summaries"};
    }
    auto objectives = summary_objectives(desc.objectives);
    if (!objectives) return objectives.error();
    if (desc.max_age.count() <= 0) return Error{"summary max age must be positive"};
    if (desc.age_buckets == 0) return Error{"summary age buckets must be at least 1"};
    auto spec = std::make_shared<SummarySpec>();
    spec->objectives = objectives.value();
    spec->max_age = desc.max_age;
    spec->age_buckets = desc.age_buckets;
    spec->clock = desc.clock;
    std::vector<double> quantiles;
    for (const Objective& o : spec->objectives) quantiles.push_back(o.quantile);
    std::shared_ptr<const SummarySpec> shared = std::move(spec);
    auto family = std::make_shared<SummaryFamily>(
        MetricType::kSummary, desc, [shared] { return std::make_shared<Summary>(shared); },
        std::vector<double>{}, std::move(quantiles));
    if (auto ok = insert(family); !ok) return ok.error();
    return family;
}

Expected<void> Registry::add_collector(std::shared_ptr<const Collector> collector) {
    std::vector<std::string> names = collector->describe();
    for (const std::string& n : names) {
        if (!is_valid_metric_name(n)) {
            return Error{fmt::format("{} is not a valid metric name", go_quote(n))};
        }
    }
    std::lock_guard lock(mu_);
    std::set<std::string_view> seen;
    for (const std::string& n : names) {
        if (families_.contains(n) || collector_names_.contains(n) || !seen.insert(n).second) {
            return Error{"duplicate metrics collector registration attempted"};
        }
        // A collector's families are assumed to be plain gauges/counters here.
        if (auto ok = check_suffixes_locked(n, MetricType::kUntyped); !ok) return ok.error();
    }
    for (const std::string& n : names) collector_names_.emplace(n, collector.get());
    collectors_.push_back({std::move(collector), std::move(names)});
    return success();
}

bool Registry::unregister(std::string_view name) {
    std::lock_guard lock(mu_);
    auto it = families_.find(name);
    if (it == families_.end()) return false;
    families_.erase(it);
    return true;
}

bool Registry::remove_collector(const Collector* collector) {
    std::lock_guard lock(mu_);
    auto it = std::find_if(collectors_.begin(), collectors_.end(),
                           [&](const CollectorEntry& e) { return e.collector.get() == collector; });
    if (it == collectors_.end()) return false;
    for (const std::string& n : it->names) collector_names_.erase(n);
    collectors_.erase(it);
    return true;
}

bool Registry::contains(std::string_view name) const {
    std::lock_guard lock(mu_);
    return families_.contains(name) || collector_names_.contains(name);
}

std::vector<std::string> Registry::names() const {
    std::vector<std::string> out;
    std::lock_guard lock(mu_);
    for (const auto& [name, family] : families_) out.push_back(name);
    for (const auto& [name, collector] : collector_names_) out.push_back(name);
    std::sort(out.begin(), out.end());
    return out;
}

void RegistryCollector::collect(std::vector<FamilySnapshot>& out) const {
    for (FamilySnapshot& f : registry_->gather()) out.push_back(std::move(f));
}

std::vector<FamilySnapshot> Registry::gather() const {
    std::vector<std::shared_ptr<FamilyBase>> families;
    std::vector<CollectorEntry> collectors;
    {
        std::lock_guard lock(mu_);
        families.reserve(families_.size());
        for (const auto& [name, family] : families_) families.push_back(family);
        collectors = collectors_;
    }
    std::vector<FamilySnapshot> out;
    out.reserve(families.size());
    for (const auto& family : families) {
        family->snapshot(out.emplace_back());
        if (out.back().series.empty()) out.pop_back();
    }
    std::vector<FamilySnapshot> collected;
    for (const CollectorEntry& e : collectors) {
        collected.clear();
        e.collector->collect(collected);
        for (FamilySnapshot& f : collected) {
            // A collector may only emit what it described; anything else could clash.
            if (f.series.empty() ||
                std::find(e.names.begin(), e.names.end(), f.name) == e.names.end()) {
                continue;
            }
            f.sort_series();
            out.push_back(std::move(f));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const FamilySnapshot& a, const FamilySnapshot& b) {
        return a.name < b.name;
    });
    // A collector emitting one name twice: keep the first.
    out.erase(std::unique(out.begin(), out.end(),
                          [](const FamilySnapshot& a, const FamilySnapshot& b) {
                              return a.name == b.name;
                          }),
              out.end());
    return out;
}

std::string Registry::scrape_text() const {
    std::string out;
    write_text(out, gather());
    return out;
}

}  // namespace rr::metrics
