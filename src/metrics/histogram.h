#pragma once
// Histogram series: one atomic count per bucket plus an atomic sum; observe() takes no lock and
// does not allocate.
//
// Counts are kept per bucket (not cumulative) and the total count is not stored separately:
// a reader derives the cumulative buckets and the count from one pass over the bucket counts,
// so a scrape racing with observe() still shows `+Inf` bucket == `_count` and non-decreasing
// buckets. `_sum` is read separately and may include an observation the buckets do not yet
// show (or the reverse); Prometheus tolerates that, as with client_golang before its
// hot/cold swap.
//
// Thread safety: observe() and read() are safe from any thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace rr::metrics {

/// Prometheus' default buckets (.005 .. 10 seconds).
std::span<const double> default_buckets() noexcept;

class Histogram {
public:
    /// `bounds`: increasing finite-or-infinite upper bounds without the implicit +Inf, shared by
    /// every series of the family.
    explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);

    /// Counts `v` in the first bucket whose upper bound is >= v (NaN goes to +Inf only).
    void observe(double v) noexcept;

    const std::vector<double>& bounds() const noexcept { return *bounds_; }

    /// Cumulative counts, one per bound and a last one for +Inf (== the total count).
    void read(std::vector<std::uint64_t>& cumulative, double& sum) const;

private:
    std::shared_ptr<const std::vector<double>> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_->size() + 1
    std::atomic<std::uint64_t> sum_bits_{0};
};

}  // namespace rr::metrics
