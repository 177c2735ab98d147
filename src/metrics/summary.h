#pragma once
// Summary series: _sum and _count, plus quantile estimates over a sliding time window when the
// family has objectives.
//
// _sum and _count are atomics: a summary without objectives (what PHP's Collector::summary()
// declares) never locks. With objectives, observe() appends to a small buffer under a
// per-series mutex; every kBufferSize observations, or when the oldest window expires, the
// buffer is sorted and merged into the window streams (QuantileStream). The window is
// `age_buckets` streams, one reset every max_age / age_buckets in turn; quantiles come from the
// oldest one, which covers between max_age * (1 - 1/age_buckets) and max_age of observations
// (client_golang's scheme: 10 minutes, 5 buckets by default). Memory per series is bounded by
// the streams' O(1/e log(e n)) samples and the buffer.
//
// Thread safety: observe() and read() are safe from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "metrics/quantile_stream.h"

namespace rr::metrics {

/// What every series of a summary family shares.
struct SummarySpec {
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    std::vector<Objective> objectives;  ///< sorted by quantile, no duplicates
    std::chrono::steady_clock::duration max_age = std::chrono::minutes(10);
    std::uint32_t age_buckets = 5;  ///< >= 1
    Clock clock;                    ///< empty = std::chrono::steady_clock::now
};

class Summary {
public:
    static constexpr std::size_t kBufferSize = 500;

    explicit Summary(std::shared_ptr<const SummarySpec> spec);

    void observe(double v);

    /// One estimate per objective (NaN while the window is empty), and the totals.
    void read(std::vector<double>& quantiles, double& sum, std::uint64_t& count);

private:
    using TimePoint = std::chrono::steady_clock::time_point;

    TimePoint now() const;
    void flush_locked(TimePoint now);  // rotate expired streams, merge the buffer

    std::shared_ptr<const SummarySpec> spec_;
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> sum_bits_{0};

    std::mutex mu_;  // guards everything below (only used with objectives)
    std::vector<double> buffer_;
    std::vector<QuantileStream> streams_;
    std::size_t head_ = 0;  // the oldest stream: the one queried
    TimePoint head_expires_;
};

}  // namespace rr::metrics
