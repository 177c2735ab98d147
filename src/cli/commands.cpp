#include <fmt/format.h>
#include <limits.h>
#include <linux/close_range.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/container.h"
#include "app/log_options.h"
#include "app/plugins.h"
#include "app/serve.h"
#include "cli/cli.h"
#include "cli/rpc_commands.h"

namespace rr::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPidFile = ".pid";

int fail(const std::string& message) {
    std::fputs(("error: " + message + "\n").c_str(), stderr);
    std::fflush(stderr);
    return 1;
}

/// Makes -c absolute (against the directory rr was started in), then changes into -w or, without
/// -w, into the config file's directory (upstream behaviour). Returns an error message or "".
std::string prepare_paths(GlobalOptions& g) {
    std::error_code ec;
    const fs::path config = fs::absolute(g.config, ec).lexically_normal();
    if (ec) return fmt::format("-c {}: {}", g.config, ec.message());
    g.config = config.string();
    const std::string dir = g.workdir.empty() ? config.parent_path().string() : g.workdir;
    if (::chdir(dir.c_str()) != 0) {
        return fmt::format("cannot change to the working directory \"{}\": {}", dir,
                           std::strerror(errno));
    }
    return {};
}

/// `-p`: .pid with our process id in the working directory, removed when serve returns.
class PidFile {
public:
    PidFile() = default;
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;
    ~PidFile() {
        if (!path_.empty()) {
            std::error_code ec;
            fs::remove(path_, ec);
        }
    }
    /// Leaves the file in place (a re-exec keeps the PID and rewrites it).
    void keep() { path_.clear(); }

    std::string write() {
        path_ = (fs::current_path() / kPidFile).string();
        std::ofstream out(path_, std::ios::trunc);
        out << ::getpid();
        out.close();
        if (!out) {
            const std::string err = fmt::format("cannot write {}", path_);
            path_.clear();
            return err;
        }
        return {};
    }

private:
    std::string path_;
};

int reexec(const Invocation& inv);

int run_serve(const Invocation& inv, const PluginFactory& make_plugins) {
    const GlobalOptions& g = inv.global;
    config::LoadOptions load;
    load.path = g.config;
    load.workdir = fs::current_path().string();
    load.overrides = g.overrides;
    load.dotenv = g.dotenv;

    config::Config cfg;
    try {
        cfg = config::load(load);
    } catch (const std::exception& e) {
        return fail(e.what());
    }

    std::unique_ptr<logging::Logging> logging;
    try {
        logging = std::make_unique<logging::Logging>(app::to_logging_options(cfg.logs));
    } catch (const std::exception& e) {
        return fail(e.what());
    }

    PidFile pid_file;
    if (g.pid) {
        if (std::string err = pid_file.write(); !err.empty()) return fail(err);
    }

    bool restart = false;
    int code = 0;
    try {
        code = app::serve(cfg, *logging, make_plugins(),
                          {.silent = g.silent, .debug = g.debug, .restart_requested = &restart});
    } catch (const std::exception& e) {
        // config::ConfigError from a plugin's init, app::ContainerError, a failed listener...
        logging->flush();
        return fail(e.what());
    }
    if (!restart) return code;
    pid_file.keep();
    logging.reset();  // flushed and closed before the new image opens its outputs
    return reexec(inv);
}

/// SIGUSR2: replaces this process with a fresh run of the binary at the path it was started
/// from (a binary replaced there since is the one that runs), with the original arguments and
/// environment, from the original directory. Returns only on failure (exit code 1).
int reexec(const Invocation& inv) {
    char buf[PATH_MAX + 1];
    const ssize_t n = ::readlink("/proc/self/exe", buf, PATH_MAX);
    if (n <= 0)
        return fail(fmt::format("restart: cannot read /proc/self/exe: {}", std::strerror(errno)));
    std::string exe(buf, static_cast<std::size_t>(n));
    // The file was replaced (mv new-rr rr): the kernel marks the old one; run the new one.
    constexpr std::string_view kDeleted = " (deleted)";
    if (exe.size() > kDeleted.size() &&
        exe.compare(exe.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0) {
        exe.resize(exe.size() - kDeleted.size());
    }
    if (::chdir(inv.start_dir.c_str()) != 0) {
        return fail(fmt::format("restart: cannot change back to {}: {}", inv.start_dir,
                                std::strerror(errno)));
    }
    std::vector<char*> argv;
    for (const auto& a : inv.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    // Nothing but stdin/stdout/stderr crosses into the new image (log files, sockets a library
    // opened without O_CLOEXEC); marked rather than closed, so a failed execve loses nothing.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execve(exe.c_str(), argv.data(), environ);
    return fail(fmt::format("restart: cannot execute {}: {}", exe, std::strerror(errno)));
}

int run_stop(const Invocation& inv) {
    std::ifstream in(kPidFile);
    std::string text;
    if (!in || !std::getline(in, text)) {
        return fail(fmt::format("cannot read {} in {} (was the server started with -p?)", kPidFile,
                                fs::current_path().string()));
    }
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (ec != std::errc{} || pid <= 0) return fail(fmt::format("{}: not a process id", kPidFile));

    if (::kill(pid, SIGTERM) != 0) {
        return fail(fmt::format("cannot signal process {}: {}", pid, std::strerror(errno)));
    }
    if (inv.force) {
        // Upstream: a second SIGTERM one second later forces the exit.
        std::this_thread::sleep_for(std::chrono::seconds(1));
        if (::kill(pid, SIGTERM) != 0 && errno != ESRCH) {
            return fail(fmt::format("cannot signal process {}: {}", pid, std::strerror(errno)));
        }
    }
    return 0;
}

}  // namespace

int run(int argc, const char* const* argv, const PluginFactory& plugins) {
    ParseResult parsed = parse(std::vector<std::string>(argv, argv + argc));
    if (!parsed.invocation) {
        std::fputs(parsed.out.c_str(), stdout);
        std::fputs(parsed.err.c_str(), stderr);
        return parsed.exit_code;
    }
    Invocation& inv = *parsed.invocation;
    std::error_code cwd_ec;
    inv.start_dir = fs::current_path(cwd_ec).string();
    if (std::string err = prepare_paths(inv.global); !err.empty()) return fail(err);

    switch (inv.command) {
        case Command::kServe:
            return run_serve(inv, plugins);
        case Command::kStop:
            return run_stop(inv);
        case Command::kReset:
            return run_reset(inv);
        case Command::kWorkers:
            return run_workers(inv);
    }
    return 1;
}

int run(int argc, const char* const* argv) {
    return run(argc, argv, app::default_plugins);
}

}  // namespace rr::cli
