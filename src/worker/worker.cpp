#include "worker/worker.h"

#include <signal.h>
#include <unistd.h>

#include "process/line_pump.h"
#include "transport/handshake.h"

namespace rr::worker {

namespace {

std::string join(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) {
            out.push_back(' ');
        }
        out += a;
    }
    return out;
}

}  // namespace

Worker::Worker(Executor ex, std::shared_ptr<process::Child> child,
               std::unique_ptr<transport::Relay> relay, std::string command)
    : ex_(ex),
      child_(std::move(child)),
      relay_(std::move(relay)),
      command_(std::move(command)),
      mirror_(std::make_shared<WorkerMirror>(child_->pid(), std::chrono::system_clock::now())) {}

Worker::~Worker() {
    // The Child's destructor kills and reaps if the process is still running. Close the relay
    // first so a worker blocked writing to us sees EPIPE rather than waiting.
    if (relay_) {
        relay_->close();
    }
}

Awaitable<Result<std::shared_ptr<Worker>>> Worker::start(Executor ex, const WorkerOptions& options,
                                                         std::string* detail) {
    process::SpawnOptions spawn = options.spawn;
    const bool pipes = options.listener == nullptr;
    spawn.stdin_mode = pipes ? process::Stdio::kPipe : process::Stdio::kNull;
    spawn.stdout_mode = pipes ? process::Stdio::kPipe : process::Stdio::kNull;
    spawn.stderr_mode = options.stderr_logger ? process::Stdio::kPipe : process::Stdio::kNull;
    const TimePoint deadline = Clock::now() + options.start_timeout;

    auto spawned = process::spawn(spawn, detail);
    if (!spawned) {
        co_return spawned.error();
    }
    auto& proc = spawned.value();
    process::start_line_pump(ex, std::move(proc.stderr_fd), options.stderr_logger,
                             spdlog::level::info);
    auto child =
        process::Child::watch(ex, proc.pid, std::move(proc.pidfd), spawn.own_process_group);

    std::unique_ptr<transport::Relay> relay;
    std::vector<std::string> codecs;
    if (pipes) {
        relay = std::make_unique<transport::Relay>(ex, std::move(proc.stdout_fd),
                                                   std::move(proc.stdin_fd));
        auto reply = co_await transport::handshake(*relay, deadline);
        if (!reply || reply.value().pid != proc.pid) {
            auto ec = reply ? make_error_code(errc::kHandshakeFailed) : reply.error();
            if (detail) {
                *detail = reply ? "worker reported pid " + std::to_string(reply.value().pid) +
                                    ", spawned " + std::to_string(proc.pid)
                              : std::string(ec.message());
                relay->drain_garbage();
                if (!relay->garbage().empty()) {
                    // Typically output printed before the PHP Worker object existed.
                    *detail += "; the worker wrote instead: \"" + relay->garbage() + "\"";
                }
            }
            child->signal(SIGKILL);
            co_await child->wait_exit(TimePoint::max());
            co_return ec;
        }
        codecs = std::move(reply.value().codecs);
    } else {
        std::weak_ptr<process::Child> weak = child;
        auto taken = co_await options.listener->take(proc.pid, deadline, [weak] {
            auto c = weak.lock();
            return c && !c->exited();
        });
        if (!taken) {
            if (detail) {
                *detail = taken.error().message();
            }
            child->signal(SIGKILL);
            co_await child->wait_exit(TimePoint::max());
            co_return taken.error();
        }
        relay = std::move(taken.value().relay);
        codecs = std::move(taken.value().codecs);
    }
    auto w = std::make_shared<Worker>(ex, std::move(child), std::move(relay), join(spawn.argv));
    w->codecs_ = std::move(codecs);
    w->transition(WorkerState::kReady);
    co_return w;
}

std::uint64_t Worker::sample_rss() noexcept {
    if (!child_->exited()) {
        if (auto r = process::rss_bytes(child_->pid())) {
            rss_bytes_ = r.value();
        }
    }
    return rss_bytes_;
}

WorkerInfo Worker::info() const {
    WorkerInfo i;
    i.pid = child_->pid();
    i.state = fsm_.state();
    i.execs = mirror_->execs();
    i.created = mirror_->created();
    i.rss_bytes = rss_bytes_;
    i.command = command_;
    return i;
}

void Worker::kill() noexcept {
    child_->signal(SIGKILL);
    relay_->cancel();
}

Awaitable<void> Worker::stop(Duration grace) {
    if (child_->exited()) {
        co_return;
    }
    transition(WorkerState::kStopping);
    // Best effort: a worker that cannot take the command is killed after `grace` anyway.
    transport::Watchdog watchdog(ex_);
    watchdog.arm(Clock::now() + grace, [this] { relay_->cancel(); });
    co_await transport::send_stop_command(*relay_);
    watchdog.disarm();
    if (!co_await child_->wait_exit(Clock::now() + grace)) {
        child_->signal(SIGKILL);
        co_await child_->wait_exit(TimePoint::max());
    }
    relay_->close();
}

}  // namespace rr::worker
