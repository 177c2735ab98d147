#include "metrics/quantile_stream.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rr::metrics {

namespace {

// An error of 0 would keep every observation (exact quantiles, unbounded memory); below this
// the stream uses this much instead.
constexpr double kMinError = 1e-4;

}  // namespace

QuantileStream::QuantileStream(std::span<const Objective> objectives) {
    for (const Objective& o : objectives) {
        if (!(o.quantile > 0 && o.quantile < 1)) continue;
        const double e = std::max(o.error, kMinError);
        targets_.push_back({o.quantile, 2 * e / (1 - o.quantile), 2 * e / o.quantile});
    }
}

double QuantileStream::allowed(double rank) const noexcept {
    double f = std::numeric_limits<double>::infinity();
    for (const Target& t : targets_) {
        const double v =
            rank >= t.quantile * n_ ? t.upper_factor * rank : t.lower_factor * (n_ - rank);
        f = std::min(f, v);
    }
    return f;
}

void QuantileStream::insert_sorted(std::span<const double> sorted) {
    if (sorted.empty()) return;
    if (n_ == 0) {
        min_ = sorted.front();
        max_ = sorted.back();
    } else {
        min_ = std::min(min_, sorted.front());
        max_ = std::max(max_, sorted.back());
    }
    scratch_.clear();
    scratch_.reserve(samples_.size() + sorted.size());
    std::size_t i = 0;
    double rank = 0;  // sum of g over the samples already in scratch_
    for (const double v : sorted) {
        while (i < samples_.size() && samples_[i].value <= v) {
            rank += samples_[i].g;
            scratch_.push_back(samples_[i++]);
        }
        double delta = 0;
        if (!scratch_.empty() && i < samples_.size()) {
            delta = std::max(0.0, std::floor(allowed(rank)) - 1);
        }
        scratch_.push_back({v, 1, delta});
        rank += 1;
        n_ += 1;
    }
    scratch_.insert(scratch_.end(), samples_.begin() + static_cast<std::ptrdiff_t>(i),
                    samples_.end());
    samples_.swap(scratch_);
    compress();
}

void QuantileStream::compress() {
    if (samples_.size() < 3) return;
    scratch_.clear();
    // Walk from the top: `cur` absorbs its lower neighbour while the merged gap stays within
    // the uncertainty allowed at the neighbour's rank.
    Sample cur = samples_.back();
    double above = cur.g;  // sum of g from the neighbour's successor to the end
    for (std::size_t k = samples_.size() - 1; k-- > 0;) {
        const Sample& c = samples_[k];
        const double rank = n_ - above - c.g;
        if (c.g + cur.g + cur.delta <= allowed(rank)) {
            cur.g += c.g;
        } else {
            scratch_.push_back(cur);
            cur = c;
        }
        above += c.g;
    }
    scratch_.push_back(cur);
    std::reverse(scratch_.begin(), scratch_.end());
    samples_.swap(scratch_);
}

double QuantileStream::query(double q) const {
    if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
    if (q <= 0) return min_;
    if (q >= 1) return max_;
    // The last sample whose greatest possible rank stays within half the allowed error above
    // the wanted rank: the invariant then keeps its smallest possible rank within half below.
    const double wanted = std::ceil(q * n_);
    const double target = wanted + allowed(wanted) / 2;
    double rank = 0;
    const Sample* prev = &samples_.front();
    for (std::size_t k = 1; k < samples_.size(); ++k) {
        const Sample& c = samples_[k];
        rank += prev->g;
        if (rank + c.g + c.delta > target) return prev->value;
        prev = &c;
    }
    return prev->value;
}

void QuantileStream::reset() {
    samples_.clear();
    n_ = 0;
    min_ = max_ = 0;
}

}  // namespace rr::metrics
