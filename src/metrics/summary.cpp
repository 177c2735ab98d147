#include "metrics/summary.h"

#include <algorithm>
#include <cmath>

#include "metrics/value.h"

namespace rr::metrics {

Summary::Summary(std::shared_ptr<const SummarySpec> spec) : spec_(std::move(spec)) {
    if (spec_->objectives.empty()) return;
    const std::uint32_t buckets = std::max<std::uint32_t>(spec_->age_buckets, 1);
    streams_.reserve(buckets);
    for (std::uint32_t i = 0; i < buckets; ++i) streams_.emplace_back(spec_->objectives);
    buffer_.reserve(kBufferSize);
    head_expires_ = now() + spec_->max_age / buckets;
}

Summary::TimePoint Summary::now() const {
    return spec_->clock ? spec_->clock() : std::chrono::steady_clock::now();
}

void Summary::observe(double v) {
    count_.fetch_add(1, std::memory_order_relaxed);
    detail::atomic_add_double(sum_bits_, v);
    if (streams_.empty() || std::isnan(v)) return;
    const TimePoint t = now();
    std::lock_guard lock(mu_);
    if (t >= head_expires_) flush_locked(t);
    buffer_.push_back(v);
    if (buffer_.size() >= kBufferSize) flush_locked(t);
}

void Summary::flush_locked(TimePoint t) {
    // The buffered values were observed before `t`: they go into every stream first, so a
    // rotation below ages them out with the stream they belong to.
    if (!buffer_.empty()) {
        std::sort(buffer_.begin(), buffer_.end());
        for (QuantileStream& s : streams_) s.insert_sorted(buffer_);
        buffer_.clear();
    }
    if (t < head_expires_) return;
    const auto step = spec_->max_age / static_cast<std::int64_t>(streams_.size());
    // After a long silence every stream may be stale: reset at most all of them, then jump the
    // expiry past `t` instead of stepping through every missed window.
    std::size_t rotations = 0;
    while (t >= head_expires_ && rotations < streams_.size()) {
        streams_[head_].reset();
        head_ = (head_ + 1) % streams_.size();
        head_expires_ += step;
        ++rotations;
    }
    if (t >= head_expires_ && step.count() > 0) {
        const auto missed = (t - head_expires_) / step + 1;
        head_expires_ += step * missed;
    }
}

void Summary::read(std::vector<double>& quantiles, double& sum, std::uint64_t& count) {
    quantiles.clear();
    if (!streams_.empty()) {
        std::lock_guard lock(mu_);
        flush_locked(now());
        for (const Objective& o : spec_->objectives) {
            quantiles.push_back(streams_[head_].query(o.quantile));
        }
    }
    count = count_.load(std::memory_order_relaxed);
    sum = detail::load_double(sum_bits_);
}

}  // namespace rr::metrics
