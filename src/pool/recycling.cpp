#include "pool/recycling.h"

#include <algorithm>
#include <limits>

namespace rr::pool {

void SpawnCost::add(Duration sample) noexcept {
    if (sample < Duration::zero()) {
        sample = Duration::zero();
    }
    // Weight 1/4 for the newest start: follows a machine that gets busier within a few starts.
    average_ = samples_ == 0 ? sample : average_ + (sample - average_) / 4;
    ++samples_;
}

std::uint64_t first_recycle_check(std::uint64_t max_jobs) noexcept {
    if (max_jobs == 0) {
        return std::numeric_limits<std::uint64_t>::max();
    }
    return std::max<std::uint64_t>(1, max_jobs / 2);
}

RecyclePlan plan_recycle(std::uint64_t execs, std::uint64_t max_jobs, std::uint64_t window_jobs,
                         Duration window, Duration lead) noexcept {
    const std::uint64_t left = max_jobs > execs ? max_jobs - execs : 0;
    if (left <= 1 || window <= Duration::zero()) {
        // One job left, or jobs faster than the clock resolves: start now.
        return {max_jobs, true};
    }
    // Jobs expected within `lead` at the rate of the window.
    const double per_lead =
        static_cast<double>(window_jobs) *
        (static_cast<double>(lead.count()) / static_cast<double>(window.count()));
    const double capped = std::min(per_lead, static_cast<double>(left));
    const std::uint64_t needed = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(capped) + 1);
    if (needed >= left) {
        return {max_jobs, true};
    }
    return {execs + std::max<std::uint64_t>(1, (left - needed) / 2), false};
}

Duration RespawnBackoff::delay_for(unsigned n) const noexcept {
    if (n <= 1) {
        return Duration::zero();
    }
    Duration d = options_.initial;
    for (unsigned i = 2; i < n && d < options_.max; ++i) {
        d *= 2;
    }
    return std::min(d, options_.max);
}

unsigned RespawnBackoff::streak(TimePoint now) const noexcept {
    if (streak_ == 0 || now - last_failure_ >= options_.forgive_after) {
        return 0;
    }
    return streak_;
}

Duration RespawnBackoff::failure(TimePoint now) noexcept {
    streak_ = streak(now) + 1;
    last_failure_ = now;
    probing_ = true;
    return delay_for(streak_);
}

bool RespawnBackoff::worker_lost(TimePoint now, Duration lifetime, bool served) noexcept {
    if (served || lifetime >= options_.stable_after) {
        return false;
    }
    failure(now);
    return true;
}

TimePoint RespawnBackoff::next_start(TimePoint now) const noexcept {
    const unsigned n = streak(now);
    if (n == 0) {
        return now;
    }
    return std::max(now, last_failure_ + delay_for(n));
}

}  // namespace rr::pool
