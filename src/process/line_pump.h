#pragma once
// Turns a child's output stream (stderr; stdout for on_init) into log lines.
//
// Line-buffered: each complete line becomes one log record (trailing "\r" dropped); a line longer
// than 64 KiB is logged in 64 KiB pieces; whatever is left at EOF is logged too, so nothing the
// worker printed before dying is lost. Reading is asynchronous on the io_context and never
// blocks the server; the pump runs until EOF (every writer closed), independent of the Worker.
//
// Thread safety / executor: io_context thread only. The logger must be thread-safe (spdlog _mt).

#include <spdlog/logger.h>

#include <memory>

#include "transport/types.h"
#include "transport/unique_fd.h"

namespace rr::process {

/// Starts pumping `fd` (a pipe read end) to `logger` at `level`. Returns at once.
/// `on_done` (optional) runs after EOF and the last line.
void start_line_pump(transport::Executor ex, transport::UniqueFd fd,
                     std::shared_ptr<spdlog::logger> logger, spdlog::level::level_enum level,
                     std::function<void()> on_done = nullptr);

}  // namespace rr::process
