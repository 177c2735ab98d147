// The `rpc` section (plugins/rpc/config.h): default, schemes, errors naming the key.

#include <gtest/gtest.h>

#include "config/config.h"
#include "plugins/rpc/config.h"

namespace rr::plugins {
namespace {

struct Decoded {
    RpcConfig cfg;
    config::Warnings warnings;
};

Decoded decode(const std::string& yaml) {
    const config::Config cfg = config::parse_string(yaml);
    Decoded out;
    const config::DecodeContext ctx{cfg.base_dir, &out.warnings};
    const config::Node* rpc = cfg.section("rpc");
    if (rpc == nullptr) throw std::runtime_error("no rpc section");
    out.cfg = decode_rpc_config(*rpc, "rpc", ctx);
    return out;
}

std::string error_of(const std::string& yaml) {
    try {
        (void)decode(yaml);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

TEST(RpcConfig, EmptyOrMissingListenIsTheDefault) {
    for (const char* yaml :
         {"version: '3'\nrpc:\n  listen: ''\n", "version: '3'\nrpc:\n  x: 1\n"}) {
        SCOPED_TRACE(yaml);
        const Decoded d = decode(yaml);
        EXPECT_EQ(d.cfg.listen.text, "tcp://127.0.0.1:6001");
        EXPECT_EQ(d.cfg.listen.kind, config::Endpoint::Kind::kTcp);
        EXPECT_EQ(d.cfg.listen.host, "127.0.0.1");
        EXPECT_EQ(d.cfg.listen.port, 6001);
    }
}

TEST(RpcConfig, TcpAndUnix) {
    Decoded d = decode("version: '3'\nrpc:\n  listen: tcp://0.0.0.0:7001\n");
    EXPECT_EQ(d.cfg.listen.host, "0.0.0.0");
    EXPECT_EQ(d.cfg.listen.port, 7001);
    EXPECT_TRUE(d.warnings.empty());
    d = decode("version: '3'\nrpc:\n  listen: unix:///tmp/rr-rpc.sock\n");
    EXPECT_EQ(d.cfg.listen.kind, config::Endpoint::Kind::kUnix);
    EXPECT_EQ(d.cfg.listen.path, "/tmp/rr-rpc.sock");
    d = decode("version: '3'\nrpc:\n  listen: tcp://[::1]:7001\n");
    EXPECT_EQ(d.cfg.listen.host, "::1");
}

TEST(RpcConfig, ListenNeedsItsScheme) {
    EXPECT_EQ(
        error_of("version: '3'\nrpc:\n  listen: 127.0.0.1:6001\n"),
        "rpc.listen: expected \"tcp://host:port\" or \"unix://path\", got \"127.0.0.1:6001\"");
    EXPECT_EQ(error_of("version: '3'\nrpc:\n  listen: tcp://localhost\n"),
              "rpc.listen: expected \"tcp://host:port\" or \"unix://path\", got "
              "\"tcp://localhost\"");
    EXPECT_EQ(error_of("version: '3'\nrpc:\n  listen: 'unix://'\n"),
              "rpc.listen: expected \"tcp://host:port\" or \"unix://path\", got \"unix://\"");
    EXPECT_NE(error_of("version: '3'\nrpc:\n  listen: [a, b]\n").find("rpc.listen: "),
              std::string::npos);
}

TEST(RpcConfig, NewerUpstreamKeysAndUnknownKeysAreWarnings) {
    const Decoded d = decode(
        "version: '3'\nrpc:\n  listen: tcp://127.0.0.1:6001\n  request_timeout: 10s\n"
        "  tls:\n    cert: a\n    key: b\n  nope: 1\n");
    ASSERT_EQ(d.warnings.size(), 3U);
    EXPECT_EQ(d.warnings[0].rfind("rpc.request_timeout: ", 0), 0U) << d.warnings[0];
    EXPECT_EQ(d.warnings[1].rfind("rpc.tls: ", 0), 0U) << d.warnings[1];
    EXPECT_EQ(d.warnings[2], "rpc.nope: unknown key; ignored");
}

}  // namespace
}  // namespace rr::plugins
