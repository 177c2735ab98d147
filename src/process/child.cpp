#include "process/child.h"

#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rr::process {

namespace asio = boost::asio;

namespace {
constexpr auto kPollInterval = std::chrono::milliseconds(20);
}

Child::Child(Executor ex, int pid, UniqueFd pidfd, bool own_process_group)
    : pid_(pid), own_group_(own_process_group), poll_timer_(ex), exit_event_(ex) {
    if (pidfd) {
        pidfd_ = std::make_unique<transport::Descriptor>(ex, pidfd.release());
    }
}

std::shared_ptr<Child> Child::watch(Executor ex, int pid, UniqueFd pidfd, bool own_process_group) {
    auto child = std::make_shared<Child>(ex, pid, std::move(pidfd), own_process_group);
    asio::co_spawn(ex, watch_loop(child, child->pidfd_.get()), asio::detached);
    return child;
}

Child::~Child() {
    if (!exited_) {
        kill_and_reap(pid_, own_group_);
    }
}

Awaitable<void> Child::watch_loop(std::weak_ptr<Child> weak, transport::Descriptor* pidfd) {
    for (;;) {
        boost::system::error_code ec;
        if (pidfd) {
            co_await pidfd->async_wait(transport::Descriptor::wait_read,
                                       asio::redirect_error(asio::use_awaitable, ec));
        } else {
            auto self = weak.lock();
            if (!self) {
                co_return;
            }
            self->poll_timer_.expires_after(kPollInterval);
            auto& timer = self->poll_timer_;
            self.reset();
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        auto self = weak.lock();
        if (!self || self->exited_ || ec == asio::error::operation_aborted) {
            co_return;  // the Child is gone (its destructor reaped) or we were cancelled
        }
        int status = -1;
        if (try_reap(self->pid_, &status)) {
            self->mark_exited(status);
            co_return;
        }
        if (ec) {
            co_return;
        }
    }
}

void Child::mark_exited(int status) {
    exited_ = true;
    status_ = status;
    if (pidfd_) {
        boost::system::error_code ignored;
        pidfd_->close(ignored);
    }
    exit_event_.notify_all();
    if (auto cb = std::move(on_exit_)) {
        on_exit_ = nullptr;
        cb(status);
    }
}

Awaitable<bool> Child::wait_exit(TimePoint deadline) {
    auto self = shared_from_this();
    while (!exited_ && transport::Clock::now() < deadline) {
        co_await exit_event_.wait_until(deadline);
    }
    co_return exited_;
}

void Child::signal(int sig) noexcept {
    if (!exited_) {
        signal_child(pid_, sig, own_group_);
    }
}

}  // namespace rr::process
