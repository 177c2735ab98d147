#pragma once
// Spawning worker processes (PROTOCOL.md §2.2, BEHAVIOUR.md §1.1).
//
// fork()+execve() with: the child's stdin/stdout/stderr set as requested (pipe, /dev/null or
// inherited), every other descriptor close-on-exec (close_range), signal mask and SIGPIPE reset,
// its own process group (setpgid(0,0): terminal signals do not reach workers; we kill the whole
// group), uid/gid switched when `user` is set and we are root. Exec failures travel back over a
// CLOEXEC pipe, so spawn() fails synchronously with the child's errno in the message.
//
// Reaping is per PID only (waitpid(pid)), never waitpid(-1): other modules spawn processes too.
//
// Thread safety: spawn() may be called from any thread; it blocks for the fork+exec only
// (no waiting on the child's start-up). Everything else here is a thin syscall wrapper.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "transport/unique_fd.h"

namespace rr::process {

using transport::UniqueFd;

enum class Stdio {
    kPipe,     ///< a pipe; our end is returned in ChildProcess (O_CLOEXEC|O_NONBLOCK)
    kNull,     ///< /dev/null
    kInherit,  ///< our own descriptor
};

struct SpawnOptions {
    std::vector<std::string> argv;  ///< argv[0] is looked up in PATH when it has no '/'
    /// Variables added to / replacing the inherited environment (see environment.h worker_env).
    std::vector<std::pair<std::string, std::string>> env;
    std::string cwd;    ///< empty: our working directory
    std::string user;   ///< empty: our user. Needs root; the user's primary group is used
    std::string group;  ///< empty: the user's primary group (upstream ignores server.group)
    Stdio stdin_mode = Stdio::kPipe;
    Stdio stdout_mode = Stdio::kPipe;
    Stdio stderr_mode = Stdio::kPipe;
    bool own_process_group = true;
};

struct ChildProcess {
    int pid = -1;
    UniqueFd pidfd;      ///< pidfd_open() of the child; invalid if the kernel lacks it
    UniqueFd stdin_fd;   ///< our write end when stdin_mode == kPipe
    UniqueFd stdout_fd;  ///< our read end when stdout_mode == kPipe
    UniqueFd stderr_fd;  ///< our read end when stderr_mode == kPipe
};

/// Starts the process. Errors: kSpawnFailed (bad options, unknown user, fork or exec failure);
/// `detail` (optional) receives a lower-case reason such as "exec php: no such file or directory".
Result<ChildProcess> spawn(const SpawnOptions& options, std::string* detail = nullptr);

/// Sends `sig` to the child's process group (when it has its own) and to the child itself.
/// Only call before the child is reaped (afterwards its PID may be reused).
void signal_child(int pid, int sig, bool own_process_group) noexcept;

/// waitpid(pid, WNOHANG). Returns true when the child is gone (reaped now, or ECHILD);
/// `status` receives the wait status when reaped now (else -1).
bool try_reap(int pid, int* status) noexcept;

/// SIGKILL (group) and a blocking waitpid(pid): for destructors, so that no zombie is left.
void kill_and_reap(int pid, bool own_process_group) noexcept;

/// Resident set size of `pid` in bytes, from /proc/<pid>/statm. Errors: errno codes.
Result<std::uint64_t> rss_bytes(int pid) noexcept;

/// Ignores SIGPIPE process-wide so a write to a dead worker's pipe fails with EPIPE instead of
/// killing the server. Idempotent.
void ignore_sigpipe() noexcept;

/// Describes a wait status: "exit code 3", "signal 9 (Killed)".
std::string describe_status(int status);

}  // namespace rr::process
