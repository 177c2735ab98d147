#include "transport/async_event.h"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rr::transport {

Awaitable<bool> AsyncEvent::wait_until(TimePoint deadline) {
    Timer timer(ex_, deadline);
    Waiter waiter{&timer};
    waiters_.push_back(&waiter);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    // notify_all() already removed us when notified; remove ourselves on timeout.
    auto it = std::find(waiters_.begin(), waiters_.end(), &waiter);
    if (it != waiters_.end()) {
        waiters_.erase(it);
    }
    co_return waiter.notified;
}

void AsyncEvent::notify_all() noexcept {
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (Waiter* w : waiters) {
        w->notified = true;
        w->timer->cancel();
    }
}

void Watchdog::arm(TimePoint deadline, std::function<void()> action) {
    disarm();
    state_ = std::make_shared<State>();
    state_->action = std::move(action);
    if (deadline == TimePoint::max()) {
        return;
    }
    timer_.expires_at(deadline);
    timer_.async_wait([state = state_](const boost::system::error_code&) {
        // The error code is not trusted: a cancel() racing a completed wait still delivers
        // success, so `armed` is the only authority.
        if (state->armed) {
            state->armed = false;
            state->fired = true;
            if (state->action) {
                state->action();
            }
        }
    });
}

void Watchdog::disarm() noexcept {
    if (state_) {
        state_->armed = false;
        state_->action = nullptr;
        timer_.cancel();
    }
}

}  // namespace rr::transport
