#include "process/on_init.h"

#include <signal.h>

#include <boost/asio/this_coro.hpp>

#include "process/child.h"
#include "process/line_pump.h"

namespace rr::process {

namespace asio = boost::asio;

transport::Awaitable<Result<void>> run_on_init(SpawnOptions options,
                                               transport::Duration exec_timeout,
                                               std::shared_ptr<spdlog::logger> logger) {
    auto any_ex = co_await asio::this_coro::executor;
    auto ex = *any_ex.target<transport::Executor>();
    options.stdin_mode = Stdio::kNull;
    options.stdout_mode = Stdio::kPipe;
    options.stderr_mode = Stdio::kPipe;
    std::string detail;
    auto spawned = spawn(options, &detail);
    if (!spawned) {
        logger->error("on_init: {}", detail);
        co_return spawned.error();
    }
    auto& proc = spawned.value();
    start_line_pump(ex, std::move(proc.stdout_fd), logger, spdlog::level::info);
    start_line_pump(ex, std::move(proc.stderr_fd), logger, spdlog::level::info);
    auto child = Child::watch(ex, proc.pid, std::move(proc.pidfd), options.own_process_group);
    if (!co_await child->wait_exit(transport::Clock::now() + exec_timeout)) {
        child->signal(SIGKILL);
        co_await child->wait_exit(transport::TimePoint::max());
        logger->error("on_init: killed after exec_timeout");
        co_return make_error_code(errc::kSpawnFailed);
    }
    const int st = child->status();
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
        logger->error("on_init: command failed: {}", describe_status(st));
        co_return make_error_code(errc::kSpawnFailed);
    }
    co_return success();
}

}  // namespace rr::process
