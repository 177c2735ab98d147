// Where `rr reset` / `rr workers` connect (cli/rpc_commands.h rpc_endpoint): the config read
// like `serve` reads it, -o overrides included; an empty file plus overrides works (Octane).

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "cli/rpc_commands.h"

namespace rr::cli {
namespace {

namespace fs = std::filesystem;

class RpcEndpoint : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-cli-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    GlobalOptions with_config(const std::string& text, std::vector<std::string> overrides = {}) {
        std::ofstream(dir_ / ".rr.yaml") << text;
        GlobalOptions g;
        g.config = (dir_ / ".rr.yaml").string();
        g.overrides = std::move(overrides);
        return g;
    }

    fs::path dir_;
};

TEST_F(RpcEndpoint, FromTheFileOrTheDefault) {
    auto e = rpc_endpoint(with_config("version: '3'\nrpc:\n  listen: tcp://127.0.0.1:7001\n"));
    ASSERT_TRUE(e) << e.error();
    EXPECT_EQ(e.value().to_string(), "tcp://127.0.0.1:7001");
    e = rpc_endpoint(with_config("version: '3'\nrpc:\n  listen: ''\n"));
    ASSERT_TRUE(e) << e.error();
    EXPECT_EQ(e.value().to_string(), "tcp://127.0.0.1:6001");
    e = rpc_endpoint(with_config("version: '3'\nrpc:\n  listen: unix:///run/rr.sock\n"));
    ASSERT_TRUE(e) << e.error();
    EXPECT_EQ(e.value().to_string(), "unix:///run/rr.sock");
}

TEST_F(RpcEndpoint, OctaneEmptyFileAndOverrides) {
    auto e = rpc_endpoint(with_config("", {"version=3", "rpc.listen=tcp://127.0.0.1:8123"}));
    ASSERT_TRUE(e) << e.error();
    EXPECT_EQ(e.value().to_string(), "tcp://127.0.0.1:8123");
}

TEST_F(RpcEndpoint, EnvironmentExpansionAsServe) {
    ::setenv("RR_TEST_RPC_PORT", "9911", 1);
    auto e = rpc_endpoint(
        with_config("version: '3'\nrpc:\n  listen: tcp://127.0.0.1:${RR_TEST_RPC_PORT:-1}\n"));
    ::unsetenv("RR_TEST_RPC_PORT");
    ASSERT_TRUE(e) << e.error();
    EXPECT_EQ(e.value().to_string(), "tcp://127.0.0.1:9911");
}

TEST_F(RpcEndpoint, ErrorsAreOneLine) {
    auto e = rpc_endpoint(with_config("version: '3'\nlogs:\n  level: info\n"));
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().rfind("rpc service not specified in the configuration", 0), 0u)
        << e.error();
    e = rpc_endpoint(with_config("version: '3'\nrpc:\n  listen: 127.0.0.1:6001\n"));
    ASSERT_FALSE(e);
    EXPECT_EQ(
        e.error(),
        "rpc.listen: expected \"tcp://host:port\" or \"unix://path\", got \"127.0.0.1:6001\"");
    e = rpc_endpoint(with_config(""));
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().find("version"), std::string::npos) << e.error();
    for (const auto& err : {e.error()}) EXPECT_EQ(err.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace rr::cli
