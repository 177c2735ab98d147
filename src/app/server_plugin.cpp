#include "app/server_plugin.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace rr::app {

InitStatus ServerPlugin::init(InitContext& ctx) {
    const auto& server = ctx.config().server;
    if (!server) return InitStatus::kDisabled;
    // The loader already requires a command; keep the check so this plugin never starts
    // without one, whatever the loader does.
    if (server->command.empty() || server->command.front().empty()) {
        throw config::ConfigError("server.command", "must not be empty");
    }
    ctx.logger()->debug("worker command: {}, relay: {}", fmt::join(server->command, " "),
                        server->relay_text);
    return InitStatus::kEnabled;
}

}  // namespace rr::app
