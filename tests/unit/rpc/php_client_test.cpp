// Our PHP library's RPC client (php/src/Goridge/RPC) against rpc::Server: php-cli as a child
// process, every wait bounded. Skipped when php or its sockets extension is missing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "e2e/support/child_process.h"
#include "test_support.h"

namespace rr::rpc::test {
namespace {

constexpr const char* kPhp = "/usr/bin/php";

bool php_with_sockets() {
    struct stat st {};
    if (::stat(kPhp, &st) != 0) return false;
    e2e::ChildProcess probe({kPhp, "-r", "echo extension_loaded('sockets') ? 'yes' : 'no';"}, "/");
    return probe.wait_exit(std::chrono::seconds(30)) == 0 && probe.out() == "yes";
}

nlohmann::json run_php(const std::string& relay) {
    e2e::ChildProcess php({kPhp, RR_SOURCE_DIR "/tests/unit/rpc/php/rpc_client.php",
                           RR_SOURCE_DIR "/php/autoload.php", relay},
                          RR_SOURCE_DIR);
    const auto code = php.wait_exit(std::chrono::seconds(30));
    EXPECT_EQ(code, 0) << "stdout: " << php.out() << "\nstderr: " << php.err();
    auto parsed = nlohmann::json::parse(php.out(), nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << php.out() << php.err();
    return parsed;
}

void check_answers(const nlohmann::json& out, const std::string& relay) {
    EXPECT_EQ(out["json"], nlohmann::json::parse(R"({"a":1,"list":[true,null,"x"],"f":1.5})"));
    EXPECT_EQ(out["prefixed"], "via prefix");
    EXPECT_EQ(out["raw_b64"], "AGJpbv8=");  // "\0bin\xff" came back byte for byte
    EXPECT_EQ(out["bytes_as_json"], "aGVsbG8=");
    EXPECT_EQ(out["fail"], "Error 'boom: \"x\"' on " + relay);
    EXPECT_EQ(out["unknown"], "Error 'rpc: can't find service Nope.Method' on " + relay);
    EXPECT_EQ(out["after"], "after errors");
}

TEST(RpcPhpClient, OurPhpLibraryTalksToTheServerOverTcp) {
    if (!php_with_sockets()) GTEST_SKIP() << "php-cli with ext-sockets not installed";
    TestServer ts;
    ASSERT_FALSE(ts.start());
    const std::string relay = ts.endpoint().to_string();
    check_answers(run_php(relay), relay);
}

TEST(RpcPhpClient, OurPhpLibraryTalksToTheServerOverAUnixSocket) {
    if (!php_with_sockets()) GTEST_SKIP() << "php-cli with ext-sockets not installed";
    TempDir dir;
    TestServer ts;
    ASSERT_FALSE(ts.start(Endpoint::unix_socket(dir.file("rpc.sock"))));
    const std::string relay = ts.endpoint().to_string();
    check_answers(run_php(relay), relay);
}

}  // namespace
}  // namespace rr::rpc::test
