#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <sstream>

#include "cli/cli.h"
#include "common/version.h"

namespace rr::cli {
namespace {

constexpr std::string_view arch() {
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__i386__)
    return "386";
#else
    return "unknown";
#endif
}

/// Upstream accepts `-o=key=value` (cobra); CLI11 keeps the '=' in a short option's value.
std::string strip_leading_equals(std::string value) {
    if (!value.empty() && value.front() == '=') value.erase(0, 1);
    return value;
}

}  // namespace

std::string version_line() {
    // RoadRunner's shape, `rr version <X> (build time: …, go…), OS: …, arch: …`: tools such as
    // Laravel Octane take the third word as the version and compare it with what they need, so
    // it is the RoadRunner version we are compatible with; our own release follows in the
    // parentheses.
    return fmt::format("rr version {} (rr-cpp {}, build time: {}, g++ {}), OS: linux, arch: {}",
                       kCompatVersion, kVersion, RR_BUILD_TIME, __VERSION__, arch());
}

ParseResult parse(const std::vector<std::string>& args) {
    Invocation inv;
    GlobalOptions& g = inv.global;

    CLI::App app{"RoadRunner-compatible PHP application server", "rr"};
    // Global flags are accepted after the command too (cobra's persistent flags).
    app.fallthrough();
    app.set_version_flag("-v,--version", version_line());
    app.add_option("-c,--config", g.config, "config file (YAML or JSON)")->capture_default_str();
    app.add_option("-w,--workdir,--WorkDir", g.workdir,
                   "working directory (default: the config file's directory)");
    app.add_option("-o,--override", g.overrides, "override a config value: key.path=value")
        ->allow_extra_args(false)
        ->take_all();
    app.add_option("--dotenv", g.dotenv, "load environment variables from this .env file")
        ->envname("DOTENV_PATH");
    app.add_flag("-s,--silent", g.silent, "no start/stop messages");
    app.add_flag("-d,--debug", g.debug, "debug server (pprof; not available in this build)");
    app.add_flag("-p,--pid", g.pid, "write the process id to .pid in the working directory");
    app.add_flag("-e,--enable-experimental", g.experimental, "enable experimental features");

    auto* serve = app.add_subcommand("serve", "start the server");
    auto* reset = app.add_subcommand("reset", "reset workers of all or the named plugins");
    reset->add_option("plugins", inv.plugins, "plugin names");
    auto* workers = app.add_subcommand("workers", "show the workers of all or the named plugins");
    workers->add_option("plugins", inv.plugins, "plugin names");
    workers->add_flag("-i,--interactive", inv.interactive, "refresh every second");
    auto* stop = app.add_subcommand("stop", "stop the server whose .pid is in the working dir");
    stop->add_flag("-f,--force", inv.force, "send a second SIGTERM after 1 s (forced exit)");
    app.require_subcommand(0, 1);

    ParseResult result;
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    if (!reversed.empty()) reversed.pop_back();  // program name
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        std::ostringstream out;
        std::ostringstream err;
        const int code = app.exit(e, out, err);
        result.out = out.str();
        result.err = err.str();
        // Help and version exit 0; every usage error exits 1, as upstream (cobra).
        result.exit_code = code == 0 ? 0 : 1;
        return result;
    }

    if (serve->parsed()) {
        inv.command = Command::kServe;
    } else if (reset->parsed()) {
        inv.command = Command::kReset;
    } else if (workers->parsed()) {
        inv.command = Command::kWorkers;
    } else if (stop->parsed()) {
        inv.command = Command::kStop;
    } else {
        result.out = app.help();  // no command: usage, exit 0 (cobra's behaviour)
        return result;
    }
    for (std::string& o : g.overrides) o = strip_leading_equals(std::move(o));
    inv.argv = args;
    result.invocation = std::move(inv);
    return result;
}

}  // namespace rr::cli
