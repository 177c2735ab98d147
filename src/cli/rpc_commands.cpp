#include "cli/rpc_commands.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>

#include "app/sd_notify.h"
#include "cli/workers_table.h"
#include "config/config.h"
#include "plugins/rpc/config.h"
#include "rpc/client.h"

namespace rr::cli {

namespace {

using namespace std::chrono_literals;
using Millis = std::chrono::milliseconds;

constexpr Millis kConnectTimeout = 5s;
constexpr Millis kListTimeout = 30s;
/// A reset waits for busy workers (pool.reset_timeout, 60 s by default) and for new ones to
/// boot; ten minutes covers any sane configuration and still ends a hung call.
constexpr Millis kResetTimeout = 10min;

int fail(const std::string& message) {
    std::fputs(("error: " + message + "\n").c_str(), stderr);
    std::fflush(stderr);
    return 1;
}

void out(const std::string& text) {
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
}

std::int64_t now_unix_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

rpc::Expected<rpc::Client, std::string> connect(const GlobalOptions& global) {
    auto endpoint = rpc_endpoint(global);
    if (!endpoint) return rpc::Expected<rpc::Client, std::string>::failure(endpoint.error());
    auto client = rpc::Client::connect(endpoint.value(), kConnectTimeout);
    if (!client) {
        return rpc::Expected<rpc::Client, std::string>::failure(client.error().message);
    }
    return std::move(client).value();
}

/// The plugin names given on the command line, or `list_method`'s answer.
rpc::Expected<std::vector<std::string>, std::string> plugin_names(rpc::Client& client,
                                                                  const Invocation& inv,
                                                                  std::string_view list_method) {
    using Names = rpc::Expected<std::vector<std::string>, std::string>;
    if (!inv.plugins.empty()) return inv.plugins;
    auto reply = client.call(list_method, true, kListTimeout);
    if (!reply) return Names::failure(reply.error().message);
    std::vector<std::string> names;
    if (reply.value().is_array()) {
        for (const auto& n : reply.value()) {
            if (n.is_string()) names.push_back(n.get<std::string>());
        }
    } else if (!reply.value().is_null()) {
        return Names::failure(
            fmt::format("{}: unexpected reply {}", list_method, reply.value().dump()));
    }
    return names;
}

/// informer.Workers for one plugin. Errors: the call's, or a reply of another shape.
rpc::Expected<std::vector<rpc::ProcessState>, std::string> plugin_workers(
    rpc::Client& client, const std::string& plugin) {
    using Result = rpc::Expected<std::vector<rpc::ProcessState>, std::string>;
    auto reply = client.call("informer.Workers", plugin, kListTimeout);
    if (!reply) return Result::failure(reply.error().message);
    try {
        const auto list = reply.value().get<rpc::WorkerList>();
        return list.workers.value_or(std::vector<rpc::ProcessState>{});
    } catch (const std::exception& e) {
        return Result::failure(fmt::format("informer.Workers: unexpected reply: {}", e.what()));
    }
}

struct Terminal {
    bool tty = false;
    std::size_t width = 0;
    std::size_t height = 0;
};

Terminal terminal() {
    Terminal t;
    t.tty = ::isatty(STDOUT_FILENO) == 1;
    winsize ws{};
    if (t.tty && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
        t.width = ws.ws_col;
        t.height = ws.ws_row;
    }
    return t;
}

bool use_color(const Terminal& t) {
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return t.tty && (no_color == nullptr || *no_color == '\0') &&
           !(term != nullptr && std::string_view(term) == "dumb");
}

/// Every plugin's table, as one text. Failures go to `errors` (one line each, without
/// "error: "); with `inline_errors` they are also in the text where the table would be.
std::string workers_text(rpc::Client& client, const Invocation& inv, const TableOptions& opts,
                         std::vector<std::string>& errors, bool inline_errors) {
    auto names = plugin_names(client, inv, "informer.List");
    if (!names) {
        errors.push_back(names.error());
        return inline_errors ? "error: " + names.error() + "\n" : std::string();
    }
    std::string text;
    for (const std::string& plugin : names.value()) {
        auto workers = plugin_workers(client, plugin);
        if (!workers) {
            errors.push_back(fmt::format("workers of {}: {}", plugin, workers.error()));
            if (inline_errors) text += "error: " + errors.back() + "\n";
            continue;
        }
        text += render_plugin_workers(plugin, workers.value(), opts);
    }
    if (names.value().empty()) text += "no plugin has workers\n";
    return text;
}

int run_workers_interactive(const Invocation& inv) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGWINCH);
    sigset_t old;
    ::sigprocmask(SIG_BLOCK, &set, &old);

    const Terminal start = terminal();
    if (start.tty) out("\x1b[?25l\x1b[2J");  // hide the cursor, clear the screen
    std::optional<rpc::Client> client;
    while (true) {
        const Terminal term = terminal();
        std::string body;
        if (!client) {
            auto c = connect(inv.global);
            if (c) {
                client.emplace(std::move(c).value());
            } else {
                body = "error: " + c.error() + "\n";
            }
        }
        if (client) {
            std::vector<std::string> errors;
            const TableOptions opts{term.width, use_color(term), now_unix_ns()};
            body = workers_text(*client, inv, opts, errors, /*inline_errors=*/true);
            if (!client->is_open()) client.reset();  // reconnect on the next tick
        }
        std::time_t t = std::time(nullptr);
        char clock[16];
        std::strftime(clock, sizeof clock, "%H:%M:%S", std::localtime(&t));
        const std::string frame =
            fmt::format("rr workers: {} (every 1s, Ctrl-C to quit)\n\n", clock) + body;
        if (term.tty) {
            std::string screen = "\x1b[H";  // home, then each line cleared to its end
            for (const auto& line : fit_screen(frame, term.width, term.height)) {
                screen += line + "\x1b[K\n";
            }
            screen.pop_back();  // no newline after the last line: it would scroll a full screen
            out(screen + "\x1b[J");
        } else {
            out(frame + "\n");  // not a terminal: one frame after the other, like top -b
        }

        const timespec tick{1, 0};
        const int sig = ::sigtimedwait(&set, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) break;
        // SIGWINCH or the tick: draw again (at the new size).
    }
    if (start.tty) out("\x1b[?25h\n");  // the cursor back
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    return 0;
}

}  // namespace

rpc::Expected<rpc::Endpoint> rpc_endpoint(const GlobalOptions& g) {
    using Result = rpc::Expected<rpc::Endpoint>;
    config::LoadOptions load;
    load.path = g.config;
    load.workdir = std::filesystem::current_path().string();
    load.overrides = g.overrides;
    load.dotenv = g.dotenv;
    try {
        const config::Config cfg = config::load(load);
        const config::Node* section = cfg.section("rpc");
        if (section == nullptr) {
            return Result::failure(fmt::format(
                "rpc service not specified in the configuration. Tip: add \"rpc: {{listen: {}}}\" "
                "to {} or pass -o rpc.listen={}",
                plugins::kDefaultRpcListen, g.config, plugins::kDefaultRpcListen));
        }
        config::Warnings ignored;  // unknown keys are the server's business, not the CLI's
        const config::DecodeContext ctx{cfg.base_dir, &ignored};
        const plugins::RpcConfig rpc = plugins::decode_rpc_config(*section, "rpc", ctx);
        if (rpc.listen.kind == config::Endpoint::Kind::kUnix) {
            return rpc::Endpoint::unix_socket(rpc.listen.path);
        }
        return rpc::Endpoint::tcp(rpc.listen.host, rpc.listen.port);
    } catch (const std::exception& e) {
        return Result::failure(e.what());
    }
}

int run_reset(const Invocation& inv) {
    const bool silent = inv.global.silent;
    auto client = connect(inv.global);
    if (!client) return fail(client.error());
    auto names = plugin_names(client.value(), inv, "resetter.List");
    if (!names) return fail(names.error());

    // As upstream: systemd hears RELOADING=1 ... READY=1 around the resets (no-op without
    // $NOTIFY_SOCKET).
    app::sd_notify("RELOADING=1");
    int code = 0;
    for (const std::string& plugin : names.value()) {
        if (!silent) out(fmt::format("resetting plugin: [{}]\n", plugin));
        const auto started = std::chrono::steady_clock::now();
        // Every result is checked (upstream's CLI drops them and exits 0).
        auto reply = client.value().call("resetter.Reset", plugin, kResetTimeout);
        if (!reply) {
            code = fail(fmt::format("reset {}: {}", plugin, reply.error().message));
            if (!client.value().is_open()) break;  // connection gone: the rest would fail too
            continue;
        }
        if (reply.value() != true) {
            code = fail(fmt::format("reset {}: unexpected reply {}", plugin, reply.value().dump()));
            continue;
        }
        if (!silent) {
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
            out(fmt::format("plugin reset: [{}] in {:.3f}s\n", plugin, took.count()));
        }
    }
    app::sd_notify("READY=1");
    return code;
}

int run_workers(const Invocation& inv) {
    if (inv.interactive) return run_workers_interactive(inv);
    auto client = connect(inv.global);
    if (!client) return fail(client.error());
    const Terminal term = terminal();
    const TableOptions opts{term.width, use_color(term), now_unix_ns()};
    std::vector<std::string> errors;
    const std::string text = workers_text(client.value(), inv, opts, errors, false);
    out(text);  // the tables that worked
    for (const auto& e : errors) fail(e);
    return errors.empty() ? 0 : 1;
}

}  // namespace rr::cli
