#include <gtest/gtest.h>

#include <cstdlib>

#include "cli/cli.h"

namespace rr::cli {
namespace {

ParseResult parse_args(std::vector<std::string> args) {
    args.insert(args.begin(), "rr");
    return parse(args);
}

Invocation ok(std::vector<std::string> args) {
    ParseResult r = parse_args(std::move(args));
    EXPECT_TRUE(r.invocation.has_value()) << r.err;
    return r.invocation.value_or(Invocation{});
}

TEST(CliParse, ServeHasUpstreamDefaults) {
    ::unsetenv("DOTENV_PATH");
    const Invocation inv = ok({"serve"});
    EXPECT_EQ(inv.command, Command::kServe);
    EXPECT_EQ(inv.global.config, ".rr.yaml");
    EXPECT_EQ(inv.global.workdir, "");
    EXPECT_TRUE(inv.global.overrides.empty());
    EXPECT_EQ(inv.global.dotenv, "");
    EXPECT_FALSE(inv.global.silent);
    EXPECT_FALSE(inv.global.debug);
    EXPECT_FALSE(inv.global.pid);
}

TEST(CliParse, GlobalFlagsWorkBeforeAndAfterTheCommand) {
    struct Case {
        std::vector<std::string> args;
    };
    const std::vector<Case> cases = {
        {{"-c", "a.yaml", "-w", "/srv", "-s", "-d", "-p", "serve"}},
        {{"serve", "-c", "a.yaml", "-w", "/srv", "-s", "-d", "-p"}},
        {{"--config", "a.yaml", "serve", "--WorkDir", "/srv", "--silent", "--debug", "--pid"}},
        {{"serve", "--config=a.yaml", "--workdir=/srv", "-sdp"}},
    };
    for (const Case& c : cases) {
        const Invocation inv = ok(c.args);
        SCOPED_TRACE(testing::PrintToString(c.args));
        EXPECT_EQ(inv.command, Command::kServe);
        EXPECT_EQ(inv.global.config, "a.yaml");
        EXPECT_EQ(inv.global.workdir, "/srv");
        EXPECT_TRUE(inv.global.silent);
        EXPECT_TRUE(inv.global.debug);
        EXPECT_TRUE(inv.global.pid);
    }
}

TEST(CliParse, OverridesAreRepeatableAndKeepTheirOrder) {
    const Invocation inv = ok({"serve", "-o", "http.address=:8080", "--override", "logs.level=info",
                               "-o=rpc.listen=tcp://127.0.0.1:6001"});
    EXPECT_EQ(inv.global.overrides,
              (std::vector<std::string>{"http.address=:8080", "logs.level=info",
                                        "rpc.listen=tcp://127.0.0.1:6001"}));
}

TEST(CliParse, OverrideDoesNotSwallowTheCommand) {
    const Invocation inv = ok({"-o", "a.b=c", "serve"});
    EXPECT_EQ(inv.command, Command::kServe);
    EXPECT_EQ(inv.global.overrides, std::vector<std::string>{"a.b=c"});
}

TEST(CliParse, DotenvFlagAndEnvironmentDefault) {
    EXPECT_EQ(ok({"serve", "--dotenv", "x.env"}).global.dotenv, "x.env");
    ::setenv("DOTENV_PATH", "from-env.env", 1);
    EXPECT_EQ(ok({"serve"}).global.dotenv, "from-env.env");
    ::unsetenv("DOTENV_PATH");
}

TEST(CliParse, ResetAndWorkersTakePluginNames) {
    const Invocation reset = ok({"reset", "http", "grpc"});
    EXPECT_EQ(reset.command, Command::kReset);
    EXPECT_EQ(reset.plugins, (std::vector<std::string>{"http", "grpc"}));

    const Invocation workers = ok({"workers", "-i", "http"});
    EXPECT_EQ(workers.command, Command::kWorkers);
    EXPECT_TRUE(workers.interactive);
    EXPECT_EQ(workers.plugins, std::vector<std::string>{"http"});

    EXPECT_TRUE(ok({"workers"}).plugins.empty());
}

TEST(CliParse, StopTakesForce) {
    EXPECT_FALSE(ok({"stop"}).force);
    const Invocation inv = ok({"stop", "-f"});
    EXPECT_EQ(inv.command, Command::kStop);
    EXPECT_TRUE(inv.force);
}

TEST(CliParse, VersionPrintsOurVersionAndTheCompatibleLine) {
    for (const char* flag : {"-v", "--version"}) {
        const ParseResult r = parse_args({flag});
        EXPECT_FALSE(r.invocation);
        EXPECT_EQ(r.exit_code, 0);
        EXPECT_EQ(r.out.rfind("rr version 2024.3.5 (rr-cpp 0.1.0, build time: ", 0), 0u) << r.out;
    }
}

TEST(CliParse, HelpExitsZeroWithUsage) {
    const ParseResult r = parse_args({"--help"});
    EXPECT_FALSE(r.invocation);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("serve"), std::string::npos);
}

TEST(CliParse, NoCommandPrintsUsage) {
    const ParseResult r = parse_args({});
    EXPECT_FALSE(r.invocation);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("workers"), std::string::npos);
}

TEST(CliParse, UsageErrorsExitOneWithAMessage) {
    const std::vector<std::vector<std::string>> cases = {
        {"serve", "--no-such-flag"},
        {"frobnicate"},
        {"serve", "-c"},
        {"stop", "--interactive"},
    };
    for (const auto& args : cases) {
        SCOPED_TRACE(testing::PrintToString(args));
        const ParseResult r = parse_args(args);
        EXPECT_FALSE(r.invocation);
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_FALSE(r.err.empty());
    }
}

}  // namespace
}  // namespace rr::cli
