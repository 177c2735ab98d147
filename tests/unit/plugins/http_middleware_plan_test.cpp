// plan_middleware(): RoadRunner's stable chain order for `http.middleware`.

#include <gtest/gtest.h>

#include "plugins/http/settings.h"

namespace rr::plugins {
namespace {

TEST(MiddlewarePlan, LastListedIsOutermostAsInTheStableLine) {
    auto known = [](std::string_view n) { return n == "static" || n == "gzip" || n == "headers"; };
    const auto plan = plan_middleware({"headers", "gzip", "static"}, known);
    EXPECT_EQ(plan.outermost_first, (std::vector<std::string>{"static", "gzip", "headers"}));
    EXPECT_TRUE(plan.unknown.empty());
}

TEST(MiddlewarePlan, ProxyIpParserIsNotALinkAndUnknownNamesAreReportedInOrder) {
    auto known = [](std::string_view n) { return n == "gzip"; };
    const auto plan = plan_middleware({"otel", "proxy_ip_parser", "gzip", "cache"}, known);
    EXPECT_EQ(plan.outermost_first, (std::vector<std::string>{"gzip"}));
    EXPECT_EQ(plan.unknown, (std::vector<std::string>{"otel", "cache"}));
}

}  // namespace
}  // namespace rr::plugins
