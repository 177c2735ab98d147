// Answer sizes around the relay's 64 KiB read buffer: a frame that fits it but arrives in
// several pipe reads is assembled by Pool::exec_stream's own wait loop (try_read_frame /
// read_more); a larger one goes through Relay::read_frame straight into the frame.

#include "pool_fixture.h"

namespace rr::test {
namespace {

class PoolReadPathTest : public PoolTest, public ::testing::WithParamInterface<std::size_t> {};

TEST_P(PoolReadPathTest, AnswerOfThisSizeArrivesWhole) {
    ASSERT_TRUE(create(options("worker.php", 1)));
    std::string text(GetParam(), 'x');
    for (std::size_t i = 0; i < text.size(); i += 997) {
        text[i] = static_cast<char>('a' + (i / 997) % 26);  // order errors show
    }
    for (int round = 0; round < 3; ++round) {  // the buffer is reused between jobs
        auto r = exec("echo:" + text, R"({"k":1})");
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(r.value().body(), text);
        EXPECT_EQ(r.value().context(), R"({"k":1})");
    }
}

INSTANTIATE_TEST_SUITE_P(AroundTheReadBuffer, PoolReadPathTest,
                         ::testing::Values(1, 40 * 1024, 64 * 1024 - 40, 64 * 1024 + 1,
                                           300 * 1024));

}  // namespace
}  // namespace rr::test
