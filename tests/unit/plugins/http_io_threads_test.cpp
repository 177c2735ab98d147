// `http.io_threads` (docs/scaling.md): the key, its automatic default, and how the workers are
// split over the loops' pool shards.

#include "plugins/http/loops.h"
#include "support/config_text.h"
#include "unit/plugins/load_sections.h"

namespace rr::plugins {
namespace {

using config::test::http_doc;
using test::load;
using test::load_error;

TEST(HttpIoThreads, KeyIsDecodedAndAbsentMeansAuto) {
    const auto absent = load(http_doc(""));
    EXPECT_EQ(absent.http->io_threads, 0U);
    EXPECT_TRUE(absent.warnings.empty());
    const auto two = load(http_doc("  io_threads: 2\n"));
    EXPECT_EQ(two.http->io_threads, 2U);
    EXPECT_TRUE(two.warnings.empty()) << two.warnings.front();
    for (const char* bad : {"-1", "many", "2000"}) {
        const std::string error = load_error(http_doc(std::string("  io_threads: ") + bad + "\n"));
        EXPECT_EQ(error.rfind("http.io_threads: ", 0), 0U) << error;
        EXPECT_NE(error.find(bad), std::string::npos) << error;
    }
}

TEST(HttpIoThreads, AutoIsOneLoopOnSmallMachinesAndAQuarterOfTheCoresElse) {
    EXPECT_EQ(default_io_threads(0), 1U);
    EXPECT_EQ(default_io_threads(1), 1U);
    EXPECT_EQ(default_io_threads(2), 1U);
    EXPECT_EQ(default_io_threads(3), 1U);
    EXPECT_EQ(default_io_threads(4), 1U);
    EXPECT_EQ(default_io_threads(8), 2U);
    EXPECT_EQ(default_io_threads(32), 8U);
    EXPECT_EQ(default_io_threads(128), 8U);
}

TEST(HttpIoThreads, WorkersAreSplitWithTheRemainderToTheFirstShards) {
    EXPECT_EQ(shard_sizes(2, 2), (std::vector<std::size_t>{1, 1}));
    EXPECT_EQ(shard_sizes(5, 2), (std::vector<std::size_t>{3, 2}));
    EXPECT_EQ(shard_sizes(7, 3), (std::vector<std::size_t>{3, 2, 2}));
    EXPECT_EQ(shard_sizes(8, 4), (std::vector<std::size_t>{2, 2, 2, 2}));
}

}  // namespace
}  // namespace rr::plugins
