#include "process/spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "process/environment.h"

extern char** environ;

namespace rr::process {

namespace {

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

bool make_pipe(Pipe& p) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return false;
    }
    p.read.reset(fds[0]);
    p.write.reset(fds[1]);
    return true;
}

void set_nonblocking(int fd) {
    int fl = ::fcntl(fd, F_GETFL);
    if (fl >= 0) {
        ::fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
}

// Child side after fork(): only async-signal-safe calls from here on.
[[noreturn]] void child_fail(int err_fd, int stage) {
    int payload[2] = {stage, errno};
    [[maybe_unused]] auto n = ::write(err_fd, payload, sizeof payload);
    ::_exit(127);
}

const char* const kStages[] = {"dup2",   "setpgid", "setgroups", "setgid",
                               "setuid", "chdir",   "exec",      "open /dev/null"};

}  // namespace

Result<ChildProcess> spawn(const SpawnOptions& options, std::string* detail) {
    auto fail = [&](std::string why) -> Result<ChildProcess> {
        if (detail) {
            *detail = std::move(why);
        }
        return make_error_code(errc::kSpawnFailed);
    };
    if (options.argv.empty() || options.argv[0].empty()) {
        return fail("empty command");
    }

    // Everything the child needs is prepared before fork().
    std::vector<std::string> env = merge_env(environ, options.env);
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (auto& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    std::vector<std::string> argv_store = options.argv;
    std::vector<char*> argv;
    for (auto& a : argv_store) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    // PATH lookup in the parent (execvpe is not async-signal-safe in every libc).
    std::vector<std::string> candidates;
    if (options.argv[0].find('/') != std::string::npos) {
        candidates.push_back(options.argv[0]);
    } else {
        std::string path;
        for (const auto& e : env) {
            if (e.rfind("PATH=", 0) == 0) {
                path = e.substr(5);
            }
        }
        if (path.empty()) {
            path = "/usr/local/bin:/usr/bin:/bin";
        }
        std::size_t start = 0;
        while (start <= path.size()) {
            auto colon = path.find(':', start);
            std::string dir =
                path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            if (dir.empty()) {
                dir = ".";
            }
            std::string full = dir + "/" + options.argv[0];
            if (::access(full.c_str(), X_OK) == 0) {
                candidates.push_back(full);
                break;
            }
            if (colon == std::string::npos) {
                break;
            }
            start = colon + 1;
        }
        if (candidates.empty()) {
            return fail("exec " + options.argv[0] + ": not found in PATH");
        }
    }

    bool switch_user = false;
    uid_t uid = 0;
    gid_t gid = 0;
    if (!options.user.empty()) {
        struct passwd pw {};
        struct passwd* res = nullptr;
        std::vector<char> buf(16384);
        if (::getpwnam_r(options.user.c_str(), &pw, buf.data(), buf.size(), &res) != 0 || !res) {
            return fail("unknown user " + options.user);
        }
        uid = pw.pw_uid;
        gid = pw.pw_gid;
        if (!options.group.empty()) {
            struct group gr {};
            struct group* gres = nullptr;
            if (::getgrnam_r(options.group.c_str(), &gr, buf.data(), buf.size(), &gres) != 0 ||
                !gres) {
                return fail("unknown group " + options.group);
            }
            gid = gr.gr_gid;
        }
        if (::geteuid() != 0) {
            if (uid != ::geteuid()) {
                return fail("switching to user " + options.user + " needs root");
            }
        } else {
            switch_user = true;
        }
    }

    Pipe in, out, err, status;
    if ((options.stdin_mode == Stdio::kPipe && !make_pipe(in)) ||
        (options.stdout_mode == Stdio::kPipe && !make_pipe(out)) ||
        (options.stderr_mode == Stdio::kPipe && !make_pipe(err)) || !make_pipe(status)) {
        return fail(std::string("pipe: ") + std::strerror(errno));
    }
    UniqueFd dev_null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!dev_null) {
        return fail(std::string("open /dev/null: ") + std::strerror(errno));
    }
    auto pick = [&](Stdio mode, const UniqueFd& pipe_end, int self) {
        switch (mode) {
            case Stdio::kPipe:
                return pipe_end.get();
            case Stdio::kNull:
                return dev_null.get();
            case Stdio::kInherit:
                return self;
        }
        return self;
    };
    const int child_in = pick(options.stdin_mode, in.read, 0);
    const int child_out = pick(options.stdout_mode, out.write, 1);
    const int child_err = pick(options.stderr_mode, err.write, 2);
    const int status_fd = status.write.get();
    const char* cwd = options.cwd.empty() ? nullptr : options.cwd.c_str();

    const pid_t pid = ::fork();
    if (pid < 0) {
        return fail(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        // ---- child ----
        sigset_t all;
        ::sigemptyset(&all);
        ::sigprocmask(SIG_SETMASK, &all, nullptr);
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        ::sigaction(SIGPIPE, &dfl, nullptr);
        ::sigaction(SIGCHLD, &dfl, nullptr);
        if (options.own_process_group && ::setpgid(0, 0) != 0) {
            child_fail(status_fd, 1);
        }
        // dup2 onto 0/1/2 clears CLOEXEC on the targets; sources may be 0..2 themselves only
        // in the kInherit case, where dup2(x, x) is a no-op that keeps the descriptor.
        if (::dup2(child_in, 0) < 0 || ::dup2(child_out, 1) < 0 || ::dup2(child_err, 2) < 0) {
            child_fail(status_fd, 0);
        }
        if (switch_user) {
            if (::setgroups(0, nullptr) != 0) {
                child_fail(status_fd, 2);
            }
            if (::setgid(gid) != 0) {
                child_fail(status_fd, 3);
            }
            if (::setuid(uid) != 0) {
                child_fail(status_fd, 4);
            }
        }
        if (cwd && ::chdir(cwd) != 0) {
            child_fail(status_fd, 5);
        }
        // Descriptors someone else opened without O_CLOEXEC must not leak into workers.
        ::syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
        for (const auto& c : candidates) {
            ::execve(c.c_str(), argv.data(), envp.data());
        }
        child_fail(status_fd, 6);
    }

    // ---- parent ----
    status.write.reset();
    int payload[2] = {0, 0};
    ssize_t n;
    do {
        n = ::read(status.read.get(), payload, sizeof payload);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        int st = 0;
        ::waitpid(pid, &st, 0);
        int stage = payload[0];
        std::string what = stage >= 0 && stage < 8 ? kStages[stage] : "spawn";
        if (stage == 6) {
            what += " " + options.argv[0];
        }
        return fail(what + ": " + std::strerror(payload[1]));
    }

    ChildProcess child;
    child.pid = pid;
    child.pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (child.pidfd) {
        ::fcntl(child.pidfd.get(), F_SETFD, FD_CLOEXEC);
    }
    if (options.stdin_mode == Stdio::kPipe) {
        set_nonblocking(in.write.get());
        child.stdin_fd = std::move(in.write);
    }
    if (options.stdout_mode == Stdio::kPipe) {
        set_nonblocking(out.read.get());
        child.stdout_fd = std::move(out.read);
    }
    if (options.stderr_mode == Stdio::kPipe) {
        set_nonblocking(err.read.get());
        child.stderr_fd = std::move(err.read);
    }
    return child;
}

void signal_child(int pid, int sig, bool own_process_group) noexcept {
    if (pid <= 0) {
        return;
    }
    if (own_process_group) {
        ::kill(-pid, sig);
    }
    ::kill(pid, sig);
}

bool try_reap(int pid, int* status) noexcept {
    int st = -1;
    pid_t r;
    do {
        r = ::waitpid(pid, &st, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (status) {
        *status = r == pid ? st : -1;
    }
    return r == pid || (r < 0 && errno == ECHILD);
}

void kill_and_reap(int pid, bool own_process_group) noexcept {
    if (pid <= 0) {
        return;
    }
    int st = 0;
    if (::waitpid(pid, &st, WNOHANG) != 0) {
        return;  // already reaped (or not our child)
    }
    signal_child(pid, SIGKILL, own_process_group);
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
}

Result<std::uint64_t> rss_bytes(int pid) noexcept {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/statm", pid);
    UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
    if (!fd) {
        return boost::system::error_code(errno, boost::system::system_category());
    }
    char buf[128];
    ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
    if (n <= 0) {
        return boost::system::error_code(n < 0 ? errno : EIO, boost::system::system_category());
    }
    buf[n] = 0;
    unsigned long long size = 0, resident = 0;
    if (std::sscanf(buf, "%llu %llu", &size, &resident) != 2) {
        return boost::system::error_code(EIO, boost::system::system_category());
    }
    return static_cast<std::uint64_t>(resident) *
           static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

void ignore_sigpipe() noexcept {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ign, nullptr);
}

std::string describe_status(int status) {
    if (status < 0) {
        return "unknown status";
    }
    if (WIFEXITED(status)) {
        return "exit code " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        const char* name = ::strsignal(WTERMSIG(status));
        return "signal " + std::to_string(WTERMSIG(status)) + " (" + (name ? name : "?") + ")";
    }
    return "status " + std::to_string(status);
}

}  // namespace rr::process
