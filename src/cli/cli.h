#pragma once
// The `rr` command line (BEHAVIOUR.md §2), built on CLI11:
//   rr serve | rr reset [plugin…] | rr workers [plugin…] [-i] | rr stop [-f] | rr -v/--version
// Global flags (accepted before or after the command): -c/--config (default .rr.yaml),
// -w/--workdir (alias --WorkDir, upstream's spelling), -o/--override key.path=value (repeatable),
// --dotenv (default $DOTENV_PATH), -s/--silent, -d/--debug, -p/--pid, -e/--enable-experimental.
//
// Exit codes: 0 after a clean stop, --help or --version; 1 for any error (bad flag, bad config,
// plugin failure, failed stop, second stop signal).
//
// SIGUSR2 (serve): after the graceful stop the same binary is executed again (execve, same PID)
// with the same arguments and environment from the directory rr was started in, so a replaced
// binary and a re-pointed config symlink are picked up (upstream 2025.10).
//
// Thread safety: main thread only; run() changes the working directory and installs signal
// handlers.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plugins/api/plugin.h"

namespace rr::cli {

enum class Command { kServe, kReset, kWorkers, kStop };

struct GlobalOptions {
    std::string config = ".rr.yaml";     ///< -c, as given (made absolute by prepare())
    std::string workdir;                 ///< -w; "" = the config file's directory
    std::vector<std::string> overrides;  ///< -o, in order
    std::string dotenv;                  ///< --dotenv or $DOTENV_PATH
    bool silent = false;                 ///< -s
    bool debug = false;                  ///< -d
    bool pid = false;                    ///< -p
    bool experimental = false;           ///< -e
};

struct Invocation {
    Command command = Command::kServe;
    GlobalOptions global;
    std::vector<std::string> plugins;  ///< reset/workers: named plugins ("" = all)
    bool interactive = false;          ///< workers -i
    bool force = false;                ///< stop -f
    std::vector<std::string> argv;     ///< the whole command line, for the SIGUSR2 re-exec
    std::string start_dir;             ///< the directory rr was started in (set by run())
};

/// Result of parsing: either a command to run, or text to print and an exit code
/// (help, version, usage errors).
struct ParseResult {
    std::optional<Invocation> invocation;
    int exit_code = 0;
    std::string out;  ///< for stdout (help, version)
    std::string err;  ///< for stderr (usage errors)
};

/// `rr version 2024.3.5 (rr-cpp 0.1.0, build time: …, g++ 12.2.0), OS: linux, arch: amd64`
std::string version_line();

/// Parses argv (argv[0] is the program name). Never throws for bad input.
ParseResult parse(const std::vector<std::string>& args);

/// The plugins `rr serve` runs; tests substitute their own list.
using PluginFactory = std::function<std::vector<std::unique_ptr<plugins::Plugin>>()>;

/// Parses, runs the command, and returns the process exit code. Start-up errors are printed
/// as one line on stderr (`error: <key.path>: <reason>` for config errors).
int run(int argc, const char* const* argv, const PluginFactory& plugins);

/// run() with the plugins this build ships (app::default_plugins).
int run(int argc, const char* const* argv);

}  // namespace rr::cli
