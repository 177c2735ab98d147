// Worker command lines and environments (PROTOCOL.md §2.2).

#include "process/environment.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace rr::process {
namespace {

TEST(Environment, CommandStringIsSplitOnWhitespaceWithoutQuoting) {
    EXPECT_EQ(split_command("php  worker.php\t-d x=1"),
              (std::vector<std::string>{"php", "worker.php", "-d", "x=1"}));
    EXPECT_EQ(split_command("php \"a b\""), (std::vector<std::string>{"php", "\"a", "b\""}));
    EXPECT_TRUE(split_command("   ").empty());
}

TEST(Environment, ExpandsBracedAndBareVariablesLikeGo) {
    ::setenv("RR_ENV_TEST_A", "alpha", 1);
    ::unsetenv("RR_ENV_TEST_MISSING");
    EXPECT_EQ(expand_env("${RR_ENV_TEST_A}/x"), "alpha/x");
    EXPECT_EQ(expand_env("$RR_ENV_TEST_A-y"), "alpha-y");
    EXPECT_EQ(expand_env("[$RR_ENV_TEST_MISSING]"), "[]");
    EXPECT_EQ(expand_env("cost: 5$"), "cost: 5$");
    EXPECT_EQ(expand_env("a $ b"), "a $ b");
}

TEST(Environment, WorkerEnvHasUpstreamKeysUpperCasedUserVarsAndModeLast) {
    ::setenv("RR_ENV_TEST_A", "alpha", 1);
    WorkerEnvInput in;
    in.user_env = {{"app_env", "$RR_ENV_TEST_A"}, {"Mixed_Case", "v"}};
    in.relay = "pipes";
    in.rpc = "tcp://127.0.0.1:6001";
    in.mode = "http";
    in.version = "2024.3.5";
    auto env = worker_env(in);
    std::vector<std::pair<std::string, std::string>> want = {
        {"RR_RELAY", "pipes"},      {"RR_RPC", "tcp://127.0.0.1:6001"},
        {"MIXED_CASE", "v"},        {"APP_ENV", "alpha"},  // map order of the config keys
        {"RR_VERSION", "2024.3.5"}, {"RR_MODE", "http"}};
    EXPECT_EQ(env, want);
    in.rpc.clear();
    env = worker_env(in);
    for (const auto& [k, v] : env) {
        EXPECT_NE(k, "RR_RPC");
    }
}

TEST(Environment, MergeOverridesInheritedKeysAndAppendsNewOnes) {
    const char* base[] = {"PATH=/bin", "HOME=/root", "PATH=/dup", nullptr};
    auto env = merge_env(base, {{"HOME", "/home/x"}, {"NEW", "1"}});
    EXPECT_EQ(env, (std::vector<std::string>{"PATH=/dup", "HOME=/home/x", "NEW=1"}));
}

}  // namespace
}  // namespace rr::process
