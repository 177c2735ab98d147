#include "metrics/histogram.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "metrics/value.h"

namespace rr::metrics {

namespace {

constexpr std::array<double, 11> kDefaultBuckets = {.005, .01, .025, .05, .1, .25,
                                                    .5,   1,   2.5,  5,   10};

// Above this many bounds a binary search beats the linear scan.
constexpr std::size_t kLinearScanMax = 32;

}  // namespace

std::span<const double> default_buckets() noexcept {
    return kDefaultBuckets;
}

Histogram::Histogram(std::shared_ptr<const std::vector<double>> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_->size() + 1)) {}

void Histogram::observe(double v) noexcept {
    const std::vector<double>& b = *bounds_;
    std::size_t i = 0;
    if (std::isnan(v)) {
        i = b.size();
    } else if (b.size() <= kLinearScanMax) {
        while (i < b.size() && v > b[i]) ++i;
    } else {
        i = static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), v) - b.begin());
    }
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    detail::atomic_add_double(sum_bits_, v);
}

void Histogram::read(std::vector<std::uint64_t>& cumulative, double& sum) const {
    const std::size_t n = bounds_->size() + 1;
    cumulative.resize(n);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        total += counts_[i].load(std::memory_order_relaxed);
        cumulative[i] = total;
    }
    sum = detail::load_double(sum_bits_);
}

}  // namespace rr::metrics
