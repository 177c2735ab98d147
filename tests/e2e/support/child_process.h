#pragma once
// Test helper: runs a program with stdout/stderr on pipes, waits for output or exit with a
// deadline (poll(2) on the pipes, no sleeps), and cleans the process up by PID.
// Used by the e2e suites (tests/e2e/*). Not thread-safe: one test thread drives it.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace rr::e2e {

class ChildProcess {
public:
    using Clock = std::chrono::steady_clock;

    /// Runs `argv` in `cwd` with this process's environment plus `env` (NAME=VALUE entries,
    /// which replace variables of the same name).
    ChildProcess(const std::vector<std::string>& argv, const std::string& cwd,
                 const std::vector<std::string>& env = {}) {
        std::vector<std::string> environment = env;
        for (char** e = ::environ; e != nullptr && *e != nullptr; ++e) {
            const std::string entry(*e);
            const std::string name = entry.substr(0, entry.find('='));
            bool replaced = false;
            for (const auto& mine : env) replaced = replaced || mine.rfind(name + "=", 0) == 0;
            if (!replaced) environment.push_back(entry);
        }
        std::vector<char*> envp;
        for (auto& e : environment) envp.push_back(e.data());
        envp.push_back(nullptr);
        int out[2];
        int err[2];
        if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe2 failed");
        }
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::dup2(out[1], STDOUT_FILENO);
            ::dup2(err[1], STDERR_FILENO);
            if (::chdir(cwd.c_str()) != 0) ::_exit(126);
            ::execve(args[0], args.data(), envp.data());
            ::_exit(127);
        }
        ::close(out[1]);
        ::close(err[1]);
        out_fd_ = out[0];
        err_fd_ = err[0];
    }

    ~ChildProcess() {
        if (pid_ > 0 && !exit_code_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        if (out_fd_ >= 0) ::close(out_fd_);
        if (err_fd_ >= 0) ::close(err_fd_);
    }

    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& out() const { return out_; }
    const std::string& err() const { return err_; }

    void signal(int signo) const { ::kill(pid_, signo); }

    /// Reads until `text` appears on stdout (or stderr if `on_stderr`). False on timeout/EOF.
    bool wait_for(const std::string& text, std::chrono::milliseconds timeout,
                  bool on_stderr = false) {
        const auto deadline = Clock::now() + timeout;
        while (true) {
            const std::string& buf = on_stderr ? err_ : out_;
            if (buf.find(text) != std::string::npos) return true;
            if (!pump(deadline)) return buf.find(text) != std::string::npos;
        }
    }

    /// Reads until `text` has appeared `count` times on stdout (or stderr if `on_stderr`).
    bool wait_for_count(const std::string& text, std::size_t count,
                        std::chrono::milliseconds timeout, bool on_stderr = false) {
        const auto deadline = Clock::now() + timeout;
        auto seen = [&] {
            const std::string& buf = on_stderr ? err_ : out_;
            std::size_t n = 0;
            for (auto pos = buf.find(text); pos != std::string::npos;
                 pos = buf.find(text, pos + text.size())) {
                ++n;
            }
            return n >= count;
        };
        while (!seen()) {
            if (!pump(deadline)) return seen();
        }
        return true;
    }

    /// Reads what the child has written so far without waiting, so a chatty child never
    /// blocks on a full pipe while the test is busy elsewhere.
    void drain() {
        while (pump(Clock::now(), false)) {
        }
    }

    /// Reads everything until both pipes close, then reaps the process. nullopt on timeout.
    /// Returns the exit code, or 128+signal if it was killed by a signal.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (out_fd_ >= 0 || err_fd_ >= 0) {
            if (!pump(deadline) && Clock::now() >= deadline) return std::nullopt;
        }
        int status = 0;
        if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
    }

private:
    /// Waits for data on the open pipes until the deadline (or only looks, if `!block`).
    /// False on timeout, when nothing was ready, or when both pipes are closed.
    bool pump(Clock::time_point deadline, bool block = true) {
        pollfd fds[2];
        int n = 0;
        if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
        if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
        if (n == 0) return false;
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (block && left.count() <= 0) return false;
        const int wait_ms = block ? static_cast<int>(left.count()) : 0;
        const int ready = ::poll(fds, static_cast<nfds_t>(n), wait_ms);
        if (ready <= 0) return false;
        for (int i = 0; i < n; ++i) {
            if (fds[i].revents == 0) continue;
            int& fd = fds[i].fd == out_fd_ ? out_fd_ : err_fd_;
            std::string& buf = fds[i].fd == out_fd_ ? out_ : err_;
            char chunk[4096];
            const ssize_t got = ::read(fd, chunk, sizeof chunk);
            if (got > 0) {
                buf.append(chunk, static_cast<std::size_t>(got));
            } else {
                ::close(fd);
                fd = -1;
            }
        }
        return true;
    }

    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    std::string out_;
    std::string err_;
    std::optional<int> exit_code_;
};

}  // namespace rr::e2e
