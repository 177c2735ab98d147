// The app's own sections (logs, endure) and the cross-section rules of the loader.

#include <boost/asio/ip/address.hpp>
#include <thread>

#include "support/config_text.h"

namespace rr::config {
namespace {

using namespace std::chrono_literals;
using test::error_of;
using test::http_doc;
using test::TempDir;

TEST(Server, HttpRequiresServer) {
    EXPECT_EQ(error_of("version: '3'\nhttp:\n  address: 127.0.0.1:8080\n"),
              "server: section required by http (server.command starts the PHP workers)");
}

// ------------------------------------------------------------------ logs, endure

TEST(Logs, DefaultsWhenAbsent) {
    const Config cfg = parse_string("version: '3'\n");
    EXPECT_EQ(cfg.logs.mode, LogMode::kDevelopment);
    EXPECT_EQ(cfg.logs.level, LogLevel::kDebug);
    EXPECT_FALSE(cfg.logs.encoding);
    EXPECT_EQ(cfg.logs.line_ending, "\n");
    EXPECT_EQ(cfg.logs.output, (std::vector<std::string>{"stderr"}));
    EXPECT_EQ(cfg.logs.err_output, (std::vector<std::string>{"stderr"}));
    EXPECT_FALSE(cfg.logs.file_logger_options);
    EXPECT_TRUE(cfg.logs.channels.empty());
    EXPECT_EQ(&cfg.logs.for_channel("http"), static_cast<const LogSettings*>(&cfg.logs));
}

TEST(Logs, ChannelsInheritTheRoot) {
    const Config cfg = parse_string(R"(
version: '3'
logs:
  mode: production
  level: error
  output: stdout
  line_ending: ""
  file_logger_options:
    log_output: /tmp/rr.log
    max_age: 0
  channels:
    http:
      level: info
    server:
      mode: raw
      encoding: console
)");
    EXPECT_EQ(cfg.logs.mode, LogMode::kProduction);
    EXPECT_EQ(cfg.logs.level, LogLevel::kError);
    EXPECT_EQ(cfg.logs.output, (std::vector<std::string>{"stdout"}));
    EXPECT_EQ(cfg.logs.line_ending, "\n");
    ASSERT_TRUE(cfg.logs.file_logger_options);
    EXPECT_EQ(cfg.logs.file_logger_options->log_output, "/tmp/rr.log");
    EXPECT_EQ(cfg.logs.file_logger_options->max_size_mb, 100U);
    EXPECT_EQ(cfg.logs.file_logger_options->max_age_days, 24U);
    EXPECT_EQ(cfg.logs.file_logger_options->max_backups, 10U);
    const LogSettings& http = cfg.logs.for_channel("http");
    EXPECT_EQ(http.level, LogLevel::kInfo);
    EXPECT_EQ(http.mode, LogMode::kProduction);
    EXPECT_EQ(http.output, (std::vector<std::string>{"stdout"}));
    const LogSettings& server = cfg.logs.for_channel("server");
    EXPECT_EQ(server.mode, LogMode::kRaw);
    EXPECT_EQ(server.level, LogLevel::kError);
    EXPECT_EQ(server.encoding, LogEncoding::kConsole);
    EXPECT_EQ(cfg.logs.for_channel("rpc").level, LogLevel::kError);
}

TEST(Logs, RotationAndErrOutputAreServedWithoutWarnings) {
    const Config cfg = parse_string(R"(
version: '3'
logs:
  err_output: [stdout, /tmp/rr-errors.log]
  file_logger_options:
    log_output: /tmp/rr.log
    max_size: 5
    max_age: 3
    max_backups: 2
    compress: true
  channels:
    http:
      err_output: stderr
)");
    EXPECT_TRUE(cfg.warnings.empty()) << cfg.warnings.front();
    EXPECT_EQ(cfg.logs.err_output, (std::vector<std::string>{"stdout", "/tmp/rr-errors.log"}));
    const auto& f = *cfg.logs.file_logger_options;
    EXPECT_EQ(f.max_size_mb, 5U);
    EXPECT_EQ(f.max_age_days, 3U);
    EXPECT_EQ(f.max_backups, 2U);
    EXPECT_TRUE(f.compress);
    EXPECT_EQ(cfg.logs.for_channel("http").err_output, (std::vector<std::string>{"stderr"}));
    EXPECT_TRUE(cfg.logs.for_channel("http").file_logger_options->compress);
}

TEST(Logs, NoneIsOff) {
    EXPECT_EQ(parse_string("version: '3'\nlogs:\n  mode: none\n").logs.mode, LogMode::kOff);
    EXPECT_EQ(parse_string("version: '3'\nlogs:\n  mode: off\n").logs.mode, LogMode::kOff);
}

TEST(Logs, Validation) {
    EXPECT_EQ(error_of("version: '3'\nlogs:\n  mode: verbose\n"),
              "logs.mode: expected one of development, production, raw, off, none, got "
              "\"verbose\"");
    EXPECT_EQ(error_of("version: '3'\nlogs:\n  level: trace\n"),
              "logs.level: expected one of debug, info, warn, error, panic, got \"trace\"");
    EXPECT_EQ(error_of("version: '3'\nlogs:\n  encoding: xml\n"),
              "logs.encoding: expected \"console\" or \"json\", got \"xml\"");
    EXPECT_EQ(
        parse_string("version: '3'\nlogs:\n  channels:\n    http:\n      levle: info\n").warnings,
        (std::vector<std::string>{"logs.channels.http.levle: unknown key; ignored"}));
}

TEST(Endure, DefaultsAndValues) {
    Config cfg = parse_string("version: '3'\n");
    EXPECT_EQ(cfg.endure.grace_period, 30s);
    EXPECT_EQ(cfg.endure.log_level, LogLevel::kError);
    EXPECT_FALSE(cfg.endure.print_graph);
    EXPECT_EQ(cfg.endure.watchdog_sec, 0U);
    cfg = parse_string(
        "version: '3'\nendure:\n  grace_period: 5s\n  log_level: info\n"
        "  watchdog_sec: 10\n  print_graph: true\n");
    EXPECT_EQ(cfg.endure.grace_period, 5s);
    EXPECT_EQ(cfg.endure.log_level, LogLevel::kInfo);
    EXPECT_TRUE(cfg.endure.print_graph);
    EXPECT_EQ(cfg.endure.watchdog_sec, 10U);
    EXPECT_EQ(error_of("version: '3'\nendure:\n  grace_period: soon\n"),
              "endure.grace_period: expected a duration such as \"60s\", \"1m30s\" or \"300ms\", "
              "got \"soon\"");
}

}  // namespace
}  // namespace rr::config
