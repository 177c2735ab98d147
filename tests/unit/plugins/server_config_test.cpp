// The `server` section (plugins/server/config.h): defaults and every validation message.

#include "support/config_text.h"
#include "unit/plugins/load_sections.h"

namespace rr::plugins {
namespace {

using namespace std::chrono_literals;
using config::test::http_doc;
using config::test::TempDir;
using test::load;
using test::load_error;
using test::Loaded;

TEST(Server, StringCommandIsSplitOnWhitespace) {
    const Loaded cfg = load("version: '3'\nserver:\n  command: \"php  -d x=1\tw.php\"\n");
    EXPECT_EQ(cfg.server->command, (std::vector<std::string>{"php", "-d", "x=1", "w.php"}));
}

TEST(Server, ListCommandIsVerbatim) {
    const Loaded cfg = load("version: '3'\nserver:\n  command: [php, \"my worker.php\"]\n");
    EXPECT_EQ(cfg.server->command, (std::vector<std::string>{"php", "my worker.php"}));
}

TEST(Server, Defaults) {
    const Loaded cfg = load("version: '3'\nserver:\n  command: php w.php\n");
    EXPECT_EQ(cfg.server->relay_text, "pipes");
    EXPECT_FALSE(cfg.server->relay);
    EXPECT_TRUE(cfg.server->user.empty());
    EXPECT_TRUE(cfg.server->env.empty());
    EXPECT_FALSE(cfg.server->on_init);
}

TEST(Server, EnvKeysAreUpperCased) {
    const Loaded cfg = load(
        "version: '3'\nserver:\n  command: php w.php\n  env:\n    app_env: prod\n    Debug: '1'\n");
    EXPECT_EQ(cfg.server->env,
              (std::map<std::string, std::string>{{"APP_ENV", "prod"}, {"DEBUG", "1"}}));
}

TEST(Server, SocketRelays) {
    Loaded cfg =
        load("version: '3'\nserver:\n  command: php w.php\n  relay: tcp://127.0.0.1:6002\n");
    ASSERT_TRUE(cfg.server->relay);
    EXPECT_EQ(cfg.server->relay->kind, config::Endpoint::Kind::kTcp);
    EXPECT_EQ(cfg.server->relay->port, 6002);
    EXPECT_EQ(cfg.server->relay_text, "tcp://127.0.0.1:6002");
    cfg = load("version: '3'\nserver:\n  command: php w.php\n  relay: unix:///tmp/rr.sock\n");
    EXPECT_EQ(cfg.server->relay->kind, config::Endpoint::Kind::kUnix);
    EXPECT_EQ(cfg.server->relay->path, "/tmp/rr.sock");
}

TEST(Server, Validation) {
    EXPECT_EQ(load_error("version: '3'\nserver:\n  user: www\n"),
              "server.command: required (the worker command, e.g. \"php worker.php\")");
    EXPECT_EQ(load_error("version: '3'\nserver:\n  command: ''\n"),
              "server.command: must not be empty");
    EXPECT_EQ(load_error("version: '3'\nserver:\n  command: php w.php\n  relay: sockets\n"),
              "server.relay: expected \"pipes\", \"tcp://host:port\" or \"unix://path\", "
              "got \"sockets\"");
    EXPECT_EQ(load_error("version: '3'\nserver:\n  command: php w.php\n  relay: 127.0.0.1:80\n"),
              "server.relay: expected \"pipes\", \"tcp://host:port\" or \"unix://path\", "
              "got \"127.0.0.1:80\"");
    EXPECT_EQ(load_error("version: '3'\nserver:\n  command: php w.php\n  env: [a]\n"),
              "server.env[0]: expected a map of strings, got \"a\"");
    EXPECT_EQ(load_error("version: '3'\nserver:\n  command: php w.php\n  env: {A: {b: c}}\n"),
              "server.env.A: expected a string, got a map");
}

TEST(Server, UnknownKeysAreWarnings) {
    // Upstream ignores unknown keys silently; we load too, and say which key we ignored.
    const Loaded cfg = load("version: '3'\nserver:\n  command: php w.php\n  colour: red\n");
    EXPECT_EQ(cfg.warnings, (std::vector<std::string>{"server.colour: unknown key; ignored"}));
}

TEST(Server, CommaSeparatedCommandIsAList) {
    // Laravel Octane: -o server.command=/usr/bin/php,/app/vendor/bin/roadrunner-worker
    Loaded cfg =
        load("version: '3'\nserver:\n  command: /usr/bin/php,/app/vendor/bin/roadrunner-worker\n");
    EXPECT_EQ(cfg.server->command,
              (std::vector<std::string>{"/usr/bin/php", "/app/vendor/bin/roadrunner-worker"}));
    config::LoadOptions opts;
    opts.overrides = {"server.command=/usr/bin/php,/app/w.php"};
    cfg = load("version: '3'\nserver:\n  command: php other.php\n", opts);
    EXPECT_EQ(cfg.server->command, (std::vector<std::string>{"/usr/bin/php", "/app/w.php"}));
    // Several elements are used verbatim (spaces inside an element stay), as upstream.
    cfg = load("version: '3'\nserver:\n  command: \"php -d x=1,w.php\"\n");
    EXPECT_EQ(cfg.server->command, (std::vector<std::string>{"php -d x=1", "w.php"}));
}

TEST(Server, EnvAsListOfMaps) {
    // baldinof/roadrunner-bundle's shipped .rr.yaml writes env as a list of one-key maps.
    const Loaded cfg = load(R"(
version: '3'
server:
  command: php public/index.php
  env:
    - APP_RUNTIME: Baldinof\RoadRunnerBundle\Runtime\Runtime
    - app_debug: 1
)");
    EXPECT_EQ(cfg.server->env, (std::map<std::string, std::string>{
                                   {"APP_RUNTIME", "Baldinof\\RoadRunnerBundle\\Runtime\\Runtime"},
                                   {"APP_DEBUG", "1"}}));
    EXPECT_TRUE(load("version: '3'\nserver:\n  command: a\n  env: []\n").server->env.empty());
}

TEST(Server, RelayTimeoutIsAcceptedAndIgnored) {
    EXPECT_NO_THROW(
        load("version: '3'\nserver:\n  command: php w.php\n  relay_timeout: 20s\n  group: www\n"));
}

TEST(Server, OnInit) {
    const Loaded cfg = load(R"(
version: '3'
server:
  command: php w.php
  on_init:
    command: php migrate.php
    exit_on_error: true
    env: {k: v}
    user: app
)");
    ASSERT_TRUE(cfg.server->on_init);
    EXPECT_EQ(cfg.server->on_init->command, (std::vector<std::string>{"php", "migrate.php"}));
    EXPECT_EQ(cfg.server->on_init->exec_timeout, 60s);
    EXPECT_TRUE(cfg.server->on_init->exit_on_error);
    EXPECT_EQ(cfg.server->on_init->env.at("K"), "v");
    EXPECT_EQ(cfg.server->on_init->user, "app");
    EXPECT_EQ(load_error("version: '3'\nserver:\n  command: a\n  on_init:\n    exec_timeout: 1s\n"),
              "server.on_init.command: required when on_init is present");
}

}  // namespace
}  // namespace rr::plugins
