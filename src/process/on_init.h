#pragma once
// server.on_init: a one-shot command run before the workers (BEHAVIOUR.md §1.1).
// Its stdout and stderr become info lines of `logger`; it is killed (process group) after
// `exec_timeout`. Whether a failure stops the server (`exit_on_error`) is the caller's decision.
//
// Thread safety / executor: io_context thread only.

#include <spdlog/logger.h>

#include <memory>

#include "common/result.h"
#include "process/spawn.h"
#include "transport/types.h"

namespace rr::process {

/// Runs the command to completion. Errors: kSpawnFailed when it cannot start, exits non-zero,
/// is killed by a signal, or runs past `exec_timeout` (then it is SIGKILLed and reaped).
/// The reason is logged at error level on `logger`.
transport::Awaitable<Result<void>> run_on_init(SpawnOptions options,
                                               transport::Duration exec_timeout,
                                               std::shared_ptr<spdlog::logger> logger);

}  // namespace rr::process
