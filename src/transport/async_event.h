#pragma once
// AsyncEvent: a broadcast "something changed" signal for coroutines on one io_context, built on
// timers (Boost 1.74 has no channels). Waiters re-check their condition after waking: a
// notification is not stored, so check the condition first, then wait (no suspension in between
// means no lost wake-up on a single thread).
//
// Watchdog: runs an action once when a deadline passes unless disarmed first. Used to cancel a
// relay read when exec_ttl / stream_timeout / allocate_timeout expire. Disarming (or destroying)
// guarantees the action never runs afterwards, even if the timer had already fired.
//
// Thread safety: io_context thread only.

#include <functional>
#include <memory>
#include <vector>

#include "transport/types.h"

namespace rr::transport {

class AsyncEvent {
public:
    explicit AsyncEvent(Executor ex) noexcept : ex_(ex) {}
    AsyncEvent(const AsyncEvent&) = delete;
    AsyncEvent& operator=(const AsyncEvent&) = delete;

    /// Suspends until notify_all() or `deadline`. Returns true when notified, false on timeout.
    Awaitable<bool> wait_until(TimePoint deadline);

    /// Wakes every current waiter.
    void notify_all() noexcept;

    std::size_t waiters() const noexcept { return waiters_.size(); }

private:
    struct Waiter {
        Timer* timer;
        bool notified = false;
    };
    Executor ex_;
    std::vector<Waiter*> waiters_;
};

class Watchdog {
public:
    explicit Watchdog(Executor ex) : timer_(ex) {}
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;
    ~Watchdog() { disarm(); }

    /// Arms the watchdog: `action` runs at `deadline` unless disarm() comes first.
    /// A time_point::max() deadline means "never".
    void arm(TimePoint deadline, std::function<void()> action);
    void disarm() noexcept;
    /// True when the action ran since the last arm().
    bool fired() const noexcept { return state_ && state_->fired; }

private:
    struct State {
        bool armed = true;
        bool fired = false;
        std::function<void()> action;
    };
    Timer timer_;
    std::shared_ptr<State> state_;
};

}  // namespace rr::transport
