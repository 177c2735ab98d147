// The shared RPC vectors (tests/vectors/metrics_rpc.json): the exact bodies our PHP library
// sends (php/tests/Metrics/WireTest.php checks that side) applied in order to MetricsRpc give
// the recorded answers and exposition.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "metrics/rpc_methods.h"

namespace rr::metrics {
namespace {

TEST(MetricsRpcVectors, PhpPayloadsGetTheRecordedAnswers) {
    std::ifstream in(RR_SOURCE_DIR "/tests/vectors/metrics_rpc.json");
    ASSERT_TRUE(in) << "tests/vectors/metrics_rpc.json missing";
    const nlohmann::json doc = nlohmann::json::parse(in);
    Registry registry;
    MetricsRpc rpc(registry);
    ASSERT_FALSE(doc.at("calls").empty());
    for (const auto& call : doc.at("calls")) {
        const std::string name = call.at("name");
        auto r =
            rpc.call_json(call.at("method").get<std::string>(), call.at("body").get<std::string>());
        if (call.contains("error")) {
            ASSERT_FALSE(r) << name;
            EXPECT_EQ(r.error().message, call.at("error").get<std::string>()) << name;
        } else {
            ASSERT_TRUE(r) << name << ": " << r.error().message;
            EXPECT_TRUE(r.value()) << name;
        }
    }
    EXPECT_EQ(registry.scrape_text(), doc.at("exposition").get<std::string>());
}

}  // namespace
}  // namespace rr::metrics
