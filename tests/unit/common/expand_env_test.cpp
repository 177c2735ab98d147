#include "common/expand_env.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace rr {
namespace {

class ExpandEnv : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("RR_XE_A", "alpha", 1);
        ::setenv("RR_XE_EMPTY", "", 1);
        ::setenv("5", "five", 1);
        ::unsetenv("RR_XE_UNSET");
    }
    void TearDown() override {
        ::unsetenv("RR_XE_A");
        ::unsetenv("RR_XE_EMPTY");
        ::unsetenv("5");
    }
};

TEST_F(ExpandEnv, BracedAndBareNamesAreReplaced) {
    EXPECT_EQ(expand_env("${RR_XE_A}/x $RR_XE_A-y"), "alpha/x alpha-y");
    EXPECT_EQ(expand_env("[$RR_XE_UNSET]${RR_XE_UNSET}"), "[]");
}

TEST_F(ExpandEnv, LiteralDollarsAndUnterminatedBracesAreKept) {
    EXPECT_EQ(expand_env("end$"), "end$");
    EXPECT_EQ(expand_env("a $ b $$"), "a $ b $$");
    EXPECT_EQ(expand_env("x${RR_XE_A"), "x${RR_XE_A");
}

TEST_F(ExpandEnv, DefaultsOnlyWhenEnabled) {
    const ExpandEnvOptions on{.defaults = true};
    EXPECT_EQ(expand_env("${RR_XE_UNSET:-d}", on), "d");
    EXPECT_EQ(expand_env("${RR_XE_EMPTY:-d}", on), "d");
    EXPECT_EQ(expand_env("${RR_XE_A:-d}", on), "alpha");
    // Off: "RR_XE_UNSET:-d" is looked up as a name, which is unset.
    EXPECT_EQ(expand_env("${RR_XE_UNSET:-d}"), "");
}

TEST_F(ExpandEnv, DigitLedNamesOnlyWhenEnabled) {
    EXPECT_EQ(expand_env("price $5"), "price $5");
    EXPECT_EQ(expand_env("price $5", ExpandEnvOptions{.digit_starts_name = true}), "price five");
}

}  // namespace
}  // namespace rr
