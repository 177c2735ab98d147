#pragma once
// A metric family: a name, a help text, label names, and one series per distinct combination of
// label values (client_golang's *Vec). A family declared without labels has exactly one series,
// created with it.
//
// Handles: with() returns a shared_ptr to the series; updating through it is lock-free (see
// value.h, histogram.h; summaries with objectives take a per-series mutex). The handle stays
// valid after the series or the whole family is removed (updates then go nowhere).
//
// Locking: the series map is under a shared_mutex. Looking up an existing series takes it
// shared; creating or removing one takes it exclusively; a scrape holds it shared only while
// copying the label values and handles out, then reads the series without it.
//
// Thread safety: every member function is safe from any thread.

#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "metrics/expected.h"
#include "metrics/histogram.h"
#include "metrics/snapshot.h"
#include "metrics/summary.h"
#include "metrics/value.h"

namespace rr::metrics {

/// How a family is declared. Registry validates it (names, buckets, objectives).
struct Desc {
    std::string name{};  ///< fully-qualified (see build_fq_name)
    std::string help{};
    std::vector<std::string> label_names{};
    /// Histogram: increasing upper bounds; empty = default_buckets(); a trailing +Inf is
    /// implicit and dropped.
    std::vector<double> buckets{};
    /// Summary: quantile -> allowed error; empty = only _sum and _count.
    std::vector<Objective> objectives{};
    std::chrono::steady_clock::duration max_age = std::chrono::minutes(10);  ///< summary window
    std::uint32_t age_buckets = 5;                                           ///< summary window
    SummarySpec::Clock clock{};  ///< summary; empty = steady_clock (tests inject a fake)
};

class FamilyBase {
public:
    virtual ~FamilyBase() = default;
    FamilyBase(const FamilyBase&) = delete;
    FamilyBase& operator=(const FamilyBase&) = delete;

    MetricType type() const noexcept { return type_; }
    const std::string& name() const noexcept { return name_; }
    const std::string& help() const noexcept { return help_; }
    const std::vector<std::string>& label_names() const noexcept { return label_names_; }

    /// Copies the family and its series' current values into `out` (series sorted).
    virtual void snapshot(FamilySnapshot& out) const = 0;

    /// Drops the series with these label values; false when there is none. The series of a
    /// family without labels cannot be removed.
    virtual bool remove(std::span<const std::string> label_values) = 0;

    /// Number of series.
    virtual std::size_t size() const = 0;

protected:
    FamilyBase(MetricType type, const Desc& desc)
        : type_(type), name_(desc.name), help_(desc.help), label_names_(desc.label_names) {}

    /// Checks the count and UTF-8 of label values; the message is client_golang's.
    Expected<void> check_values(std::span<const std::string_view> values) const;
    /// The map key for these values (joined by 0xFF, a byte UTF-8 never contains).
    static void make_key(std::string& key, std::span<const std::string_view> values);

    MetricType type_;
    std::string name_;
    std::string help_;
    std::vector<std::string> label_names_;
    std::vector<double> bounds_;     // histogram
    std::vector<double> quantiles_;  // summary
};

namespace detail {
void read_series(const Counter& s, SeriesSnapshot& out);
void read_series(const Gauge& s, SeriesSnapshot& out);
void read_series(const Histogram& s, SeriesSnapshot& out);
void read_series(Summary& s, SeriesSnapshot& out);
}  // namespace detail

template <class S>
class Family final : public FamilyBase {
public:
    using Factory = std::function<std::shared_ptr<S>()>;

    /// Registry builds families; `desc` is already validated.
    Family(MetricType type, const Desc& desc, Factory factory, std::vector<double> bounds = {},
           std::vector<double> quantiles = {})
        : FamilyBase(type, desc), factory_(std::move(factory)) {
        bounds_ = std::move(bounds);
        quantiles_ = std::move(quantiles);
        if (label_names_.empty()) {
            scalar_ = factory_();
            series_.emplace(std::string(), Node{{}, scalar_});
        }
    }

    /// The only series of a family without labels; nullptr when the family has labels.
    S* scalar() const noexcept { return scalar_.get(); }

    /// The series for these label values (one per label name, in declaration order), created
    /// on first use. Errors: wrong number of values, a value that is not valid UTF-8.
    Expected<std::shared_ptr<S>> with(std::span<const std::string_view> values) {
        if (auto ok = check_values(values); !ok) return ok.error();
        thread_local std::string key;
        make_key(key, values);
        {
            std::shared_lock lock(mu_);
            if (auto it = series_.find(key); it != series_.end()) return it->second.series;
        }
        std::unique_lock lock(mu_);
        auto [it, inserted] = series_.try_emplace(key);
        if (inserted) {
            it->second.values.assign(values.begin(), values.end());
            it->second.series = factory_();
        }
        return it->second.series;
    }
    Expected<std::shared_ptr<S>> with(std::initializer_list<std::string_view> values) {
        return with(std::span<const std::string_view>(values.begin(), values.size()));
    }
    Expected<std::shared_ptr<S>> with(std::span<const std::string> values) {
        std::vector<std::string_view> views(values.begin(), values.end());
        return with(std::span<const std::string_view>(views));
    }

    void snapshot(FamilySnapshot& out) const override {
        out.name = name_;
        out.help = help_;
        out.type = type_;
        out.label_names = label_names_;
        out.bounds = bounds_;
        out.quantiles = quantiles_;
        out.series.clear();
        std::vector<std::shared_ptr<S>> handles;
        {
            std::shared_lock lock(mu_);
            out.series.reserve(series_.size());
            handles.reserve(series_.size());
            for (const auto& [key, node] : series_) {
                out.series.emplace_back().label_values = node.values;
                handles.push_back(node.series);
            }
        }
        for (std::size_t i = 0; i < handles.size(); ++i) {
            detail::read_series(*handles[i], out.series[i]);
        }
        out.sort_series();
    }

    bool remove(std::span<const std::string> values) override {
        if (label_names_.empty()) return false;
        std::vector<std::string_view> views(values.begin(), values.end());
        std::string key;
        make_key(key, views);
        std::unique_lock lock(mu_);
        return series_.erase(key) > 0;
    }

    std::size_t size() const override {
        std::shared_lock lock(mu_);
        return series_.size();
    }

private:
    struct Node {
        std::vector<std::string> values;
        std::shared_ptr<S> series;
    };

    Factory factory_;
    std::shared_ptr<S> scalar_;
    mutable std::shared_mutex mu_;
    std::unordered_map<std::string, Node> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;
using SummaryFamily = Family<Summary>;

}  // namespace rr::metrics
