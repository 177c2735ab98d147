#include "app/plugins.h"

#include <gtest/gtest.h>

#include "app/log_options.h"
#include "plugins/server/plugin.h"

namespace rr::app {
namespace {

TEST(ServerPlugin, DisabledWithoutServerSection) {
    boost::asio::io_context io;
    auto logging = logging::Logging::discard();
    const config::Config cfg = config::parse_string("version: '3'\n");
    plugins::InitContext ctx(cfg, *logging, io, logging->get("server"), {});
    plugins::ServerPlugin plugin;
    EXPECT_EQ(plugin.init(ctx), plugins::InitStatus::kDisabled);
}

TEST(ServerPlugin, EnabledWithCommandAndRejectsEmptyCommand) {
    boost::asio::io_context io;
    auto logging = logging::Logging::discard();
    config::Config cfg = config::parse_string("version: '3'\nserver:\n  command: php w.php\n");
    plugins::InitContext ctx(cfg, *logging, io, logging->get("server"), {});
    plugins::ServerPlugin plugin;
    EXPECT_EQ(plugin.init(ctx), plugins::InitStatus::kEnabled);

    cfg = config::parse_string("version: '3'\nserver:\n  command: ''\n");
    plugins::InitContext empty(cfg, *logging, io, logging->get("server"), {});
    try {
        (void)plugin.init(empty);
        FAIL() << "expected ConfigError";
    } catch (const config::ConfigError& e) {
        EXPECT_EQ(e.key_path(), "server.command");
    }
}

TEST(DefaultPlugins, HaveUniqueNamesAndIncludeServer) {
    const auto plugins = default_plugins();
    std::vector<std::string_view> names;
    for (const auto& p : plugins) names.push_back(p->name());
    EXPECT_NE(std::find(names.begin(), names.end(), "server"), names.end());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

TEST(LogOptions, MapsModeLevelEncodingOutputAndChannels) {
    config::LogsConfig logs;
    logs.mode = config::LogMode::kProduction;
    logs.level = config::LogLevel::kWarn;
    logs.output = {"stdout"};
    logs.line_ending = "";
    config::LogSettings http = logs;
    http.encoding = config::LogEncoding::kConsole;
    http.level = config::LogLevel::kDebug;
    logs.channels.emplace("http", http);

    const auto o = to_logging_options(logs);
    EXPECT_EQ(o.root.mode, logging::Mode::kProduction);
    EXPECT_EQ(o.root.level, spdlog::level::warn);
    EXPECT_EQ(o.root.output, std::vector<std::string>{"stdout"});
    EXPECT_EQ(o.root.line_ending, "\n");
    EXPECT_FALSE(o.root.encoding.has_value());
    const auto resolved = logging::resolve(o.root, o.channels.at("http"));
    EXPECT_EQ(resolved.encoding, logging::Encoding::kConsole);
    EXPECT_EQ(resolved.level, spdlog::level::debug);
}

}  // namespace
}  // namespace rr::app
