#pragma once
// Recycling policies of the pool, as pure values and functions of (state, now), so every rule is
// unit-tested with a fake clock (tests/unit/pool/recycling_test.cpp). The pool only feeds them
// events and applies their answers. See docs/pool.md, "Recycling without stalls".
//
//   SpawnCost     how long a worker start (spawn + PHP boot + handshake) takes here: a moving
//                 average of the measured starts, used to start successors early enough.
//   plan_recycle  for a worker with max_jobs: at which exec count to look again, and whether its
//                 successor must start now (so it is ready when the worker retires).
//   RespawnBackoff  rate limit for starts after failures: a PHP app that exits at once must not
//                 fork-bomb the box. Deliberate recycling (max_jobs, ttl, reset) is not limited.
//
// Thread safety: plain values; the owner's executor only.

#include <chrono>
#include <cstdint>

#include "transport/types.h"

namespace rr::pool {

using transport::Duration;
using transport::TimePoint;

/// Moving average of worker start times (spawn → handshake done).
class SpawnCost {
public:
    /// Until the first measurement.
    static constexpr Duration kInitial = std::chrono::milliseconds(100);

    void add(Duration sample) noexcept;
    Duration average() const noexcept { return samples_ == 0 ? kInitial : average_; }

private:
    Duration average_{0};
    std::uint64_t samples_ = 0;
};

/// What release() does when a worker with a max_jobs limit reaches its check point.
struct RecyclePlan {
    std::uint64_t next_check = 0;  ///< exec count of the next check (max_jobs at the latest)
    bool start_successor = false;  ///< start the worker's successor now
    friend bool operator==(const RecyclePlan&, const RecyclePlan&) = default;
};

/// The first check point of a fresh worker: half of its max_jobs (at least 1 job, so a worker
/// that never served a job never starts a successor).
std::uint64_t first_recycle_check(std::uint64_t max_jobs) noexcept;

/// Decides at a check point. `execs` jobs done of `max_jobs`; `window_jobs` of them in the last
/// `window` (since the previous check point or the start); `lead` = how long before the last job
/// the successor must be started (twice the average start time). The successor starts when the
/// jobs expected within `lead` at the observed rate reach the jobs left; otherwise the next check
/// is half-way to that point, so the estimate follows the rate as it changes.
RecyclePlan plan_recycle(std::uint64_t execs, std::uint64_t max_jobs, std::uint64_t window_jobs,
                         Duration window, Duration lead) noexcept;

struct RespawnOptions {
    Duration initial = std::chrono::milliseconds(100);  ///< delay after the 2nd failure in a row
    Duration max = std::chrono::seconds(5);             ///< the delay doubles up to this
    /// A worker that dies on its own sooner than this after its start, without having answered
    /// a job, counts as a failure.
    Duration stable_after = std::chrono::seconds(10);
    /// A failure this long after the previous one starts a new streak (delay 0 again).
    Duration forgive_after = std::chrono::seconds(30);
};

/// Exponential backoff over failures in a row: the 1st failure is retried at once, the 2nd after
/// `initial`, then twice as long each time up to `max`. Failures are failed starts and workers
/// that died on their own (crash, exit) younger than `stable_after` before answering any job (a
/// worker that served jobs and then crashed is replaced at once, as upstream does); a streak
/// ends after `forgive_after` without a failure.
class RespawnBackoff {
public:
    explicit RespawnBackoff(RespawnOptions options = {}) noexcept : options_(options) {}

    /// Counts a failure at `now`; returns the delay now in force (0 for the first one).
    Duration failure(TimePoint now) noexcept;
    /// A worker lost on its own after `lifetime`, having answered a job (`served`) or not: a
    /// failure only when it never served and was younger than stable_after. Returns true when
    /// it was counted.
    bool worker_lost(TimePoint now, Duration lifetime, bool served) noexcept;
    /// A start succeeded: the next start may run in parallel again (the delay stays until the
    /// streak is forgiven).
    void started() noexcept { probing_ = false; }

    /// Failures in the current streak (0 once forgiven at `now`).
    unsigned streak(TimePoint now) const noexcept;
    /// Earliest time the next start may begin.
    TimePoint next_start(TimePoint now) const noexcept;
    /// After a failure, starts go one at a time until one succeeds.
    bool probing(TimePoint now) const noexcept { return probing_ && streak(now) > 0; }
    /// The delay for a streak of `n` failures.
    Duration delay_for(unsigned n) const noexcept;

private:
    RespawnOptions options_;
    unsigned streak_ = 0;
    TimePoint last_failure_{};
    bool probing_ = false;
};

}  // namespace rr::pool
