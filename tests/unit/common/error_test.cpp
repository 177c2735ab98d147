#include "common/error.h"
#include "common/result.h"

#include <gtest/gtest.h>

namespace rr {
namespace {

Result<int> half(int v) {
    if (v % 2 != 0) {
        return errc::kFrameBadOptions;
    }
    return v / 2;
}

TEST(Error, ErrcConvertsToErrorCodeWithText) {
    boost::system::error_code ec = errc::kFrameCrcMismatch;
    EXPECT_EQ(ec.category().name(), std::string("rr"));
    EXPECT_EQ(ec.message(), "frame crc mismatch");
    EXPECT_TRUE(ec == errc::kFrameCrcMismatch);
}

TEST(Error, ResultCarriesValueOrError) {
    auto ok = half(4);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok.value(), 2);
    auto bad = half(3);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), errc::kFrameBadOptions);
}

}  // namespace
}  // namespace rr
