#pragma once
// Child: a spawned process watched for exit on the io_context (pidfd readable → waitpid(pid)).
// Exactly one reap per child, by PID; no zombies: the destructor SIGKILLs and reaps a child that
// is still running (blocking for the kill only).
//
// Thread safety / executor: io_context thread only. Create with Child::watch() (shared_ptr: the
// watcher coroutine holds a weak reference and stops touching the object once it is gone).

#include <functional>
#include <memory>

#include "process/spawn.h"
#include "transport/async_event.h"
#include "transport/types.h"

namespace rr::process {

using transport::Awaitable;
using transport::Executor;
using transport::TimePoint;

class Child : public std::enable_shared_from_this<Child> {
public:
    /// Takes over `pid` (and its pidfd if valid) and starts watching for its exit.
    static std::shared_ptr<Child> watch(Executor ex, int pid, UniqueFd pidfd,
                                        bool own_process_group);

    Child(Executor ex, int pid, UniqueFd pidfd, bool own_process_group);
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child();

    int pid() const noexcept { return pid_; }
    bool exited() const noexcept { return exited_; }
    /// Wait status once exited() (see describe_status()).
    int status() const noexcept { return status_; }

    /// Called once, on the io_context, right after the child is reaped.
    void on_exit(std::function<void(int status)> callback) { on_exit_ = std::move(callback); }

    /// Suspends until the child has exited or `deadline`; returns exited().
    Awaitable<bool> wait_exit(TimePoint deadline);

    /// Signals the child (and its group). No-op once reaped.
    void signal(int sig) noexcept;

private:
    static Awaitable<void> watch_loop(std::weak_ptr<Child> weak, transport::Descriptor* pidfd);
    void mark_exited(int status);

    int pid_;
    bool own_group_;
    bool exited_ = false;
    int status_ = -1;
    std::unique_ptr<transport::Descriptor> pidfd_;
    transport::Timer poll_timer_;  ///< fallback when pidfd_open() is unavailable
    transport::AsyncEvent exit_event_;
    std::function<void(int)> on_exit_;
};

}  // namespace rr::process
