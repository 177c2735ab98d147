#include "common/page_buffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace rr {
namespace {

bool page_aligned(const void* p) {
    return reinterpret_cast<std::uintptr_t>(p) % PageBuffer::kPage == 0;
}

TEST(PageBuffer, SizeIsRoundedToWholePagesAndAligned) {
    PageBuffer b(5000);
    EXPECT_EQ(b.size(), 2 * PageBuffer::kPage);
    EXPECT_TRUE(page_aligned(b.data()));
    PageBuffer empty;
    EXPECT_EQ(empty.size(), 0u);
    EXPECT_EQ(empty.data(), nullptr);
    empty.release_pages();  // nothing to release: no effect
}

TEST(PageBuffer, ResizeKeepsTheLeadingBytes) {
    PageBuffer b(PageBuffer::kPage);
    std::memcpy(b.data(), "hello", 5);
    b.resize(3 * PageBuffer::kPage);
    EXPECT_EQ(std::string(b.data(), 5), "hello");
    EXPECT_TRUE(page_aligned(b.data()));
    b.resize(1);
    EXPECT_EQ(b.size(), PageBuffer::kPage);
    EXPECT_EQ(std::string(b.data(), 5), "hello");
    b.resize(0);
    EXPECT_EQ(b.data(), nullptr);
}

TEST(PageBuffer, ReleasedPagesReadAsZerosAndStayUsable) {
    PageBuffer b(2 * PageBuffer::kPage);
    std::memset(b.data(), 'x', b.size());
    char* before = b.data();
    b.release_pages();
    EXPECT_EQ(b.data(), before);  // still allocated, same address
    for (std::size_t i = 0; i < b.size(); ++i) ASSERT_EQ(b.data()[i], 0) << i;
    std::memcpy(b.data() + PageBuffer::kPage, "again", 5);
    EXPECT_EQ(std::string(b.data() + PageBuffer::kPage, 5), "again");
}

TEST(PageBuffer, MovesOwnership) {
    PageBuffer a(100);
    char* p = a.data();
    PageBuffer b(std::move(a));
    EXPECT_EQ(b.data(), p);
    EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): the moved-from state
    PageBuffer c(10);
    c = std::move(b);
    EXPECT_EQ(c.data(), p);
    EXPECT_EQ(c.size(), PageBuffer::kPage);
}

}  // namespace
}  // namespace rr
