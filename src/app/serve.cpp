#include "app/serve.h"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "app/container.h"
#include "app/sd_notify.h"
#include "common/version.h"

namespace rr::app {
namespace {

void print_line(std::FILE* to, const std::string& line) {
    std::fputs(line.c_str(), to);
    std::fputc('\n', to);
    std::fflush(to);
}

}  // namespace

int serve(const config::Config& config, logging::Logging& logging,
          std::vector<std::unique_ptr<plugins::Plugin>> plugin_list, const ServeOptions& options) {
    std::signal(SIGPIPE, SIG_IGN);

    boost::asio::io_context io(1);
    // Installed before init so a signal during a slow start is not lost.
    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGQUIT);
    signals.add(SIGUSR2);

    auto log = logging.get("rr");
    for (const std::string& warning : config.warnings) log->warn("{}", warning);
    if (options.debug) log->warn("-d: the pprof debug server is not available in this build");

    Container container(io, logging, config, config.endure.grace_period);
    for (auto& p : plugin_list) container.add(std::move(p));
    for (const std::string& warning : container.unowned_sections()) log->warn("{}", warning);
    container.init();

    int exit_code = 0;
    bool stopping = false;
    bool restarting = false;
    auto begin_stop = [&](int code) {
        if (stopping) return;
        stopping = true;
        exit_code = code;
        sd_notify(restarting ? "RELOADING=1" : "STOPPING=1");
        container.stop([&](bool clean) {
            if (!clean) exit_code = 1;
            io.stop();
        });
    };

    std::function<void(boost::system::error_code, int)> on_signal =
        [&](boost::system::error_code ec, int signo) {
            if (ec) return;
            if (signo == SIGUSR2 && stopping) {
                log->warn("SIGUSR2 ignored: already stopping");
                signals.async_wait(on_signal);
                return;
            }
            if (stopping) {
                print_line(stdout, "exit forced");
                logging.flush();
                std::_Exit(1);
            }
            const auto grace = std::chrono::duration<double>(config.endure.grace_period);
            restarting = signo == SIGUSR2 && options.restart_requested != nullptr;
            print_line(stdout, fmt::format("{} signal received, grace timeout is: {:.0f} seconds",
                                           restarting ? "restart" : "stop", grace.count()));
            begin_stop(0);
            signals.async_wait(on_signal);
        };
    signals.async_wait(on_signal);

    // systemd: READY=1 once every plugin is up, then a watchdog ping every half period.
    boost::asio::steady_timer watchdog(io);
    std::function<void()> arm_watchdog;
    auto on_started = [&] {
        if (stopping) return;
        if (!options.silent) {
            print_line(stdout, fmt::format("[INFO] RoadRunner server started; version: {} "
                                           "(rr-cpp {})",
                                           kCompatVersion, kVersion));
        }
        if (sd_notify("READY=1") && config.endure.watchdog_sec > 0) {
            const auto period = std::chrono::milliseconds(config.endure.watchdog_sec * 500);
            arm_watchdog = [&, period] {
                watchdog.expires_after(period);
                watchdog.async_wait([&](boost::system::error_code ec) {
                    if (ec || stopping) return;
                    sd_notify("WATCHDOG=1");
                    arm_watchdog();
                });
            };
            arm_watchdog();
        }
    };
    container.serve(
        [&](std::string_view plugin, std::string message) {
            logging.get(plugin)->error("{}", message);
            logging.flush();  // the log line first, then the plain one (both may be on stderr)
            print_line(stderr, fmt::format("error: plugin {}: {}", plugin, message));
            // Posted: the container may still be inside its serve loop.
            boost::asio::post(io, [&] { begin_stop(1); });
        },
        on_started);

    {
        // Log lines of one turn of the loop leave together (logging/batching_sink.h).
        struct Batching {
            logging::Logging& logging;
            ~Batching() { logging.batch_until_idle({}); }
        } batching{logging};
        logging.batch_until_idle(
            [&io](std::function<void()> write) { boost::asio::post(io, std::move(write)); });
        io.run();
    }
    watchdog.cancel();
    if (restarting) *options.restart_requested = true;
    logging.flush();
    return exit_code;
}

}  // namespace rr::app
