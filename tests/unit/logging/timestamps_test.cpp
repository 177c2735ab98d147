// The request log's wall-clock texts (logging/timestamps.h): UTC whatever TZ says, and the
// per-second cache never serves another second's text.
#include "logging/timestamps.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace rr::logging {
namespace {

using namespace std::chrono;

// 2026-12-03T20:13:12Z
constexpr std::int64_t kSecond = 1796328792;

system_clock::time_point at(std::int64_t second, int millis) {
    return system_clock::time_point(seconds(second)) + milliseconds(millis);
}

/// Sets TZ for one test and puts the previous value back.
class ScopedTz {
public:
    explicit ScopedTz(const char* tz) {
        if (const char* old = std::getenv("TZ")) old_ = old;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~ScopedTz() {
        if (old_) {
            ::setenv("TZ", old_->c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }

private:
    std::optional<std::string> old_;
};

TEST(Timestamps, StartIsUtcWithMillisecondsWhateverTheLocalZone) {
    // fmt 9 formats a system_clock time point in LOCAL time: the "Z" it used to carry was
    // wrong outside UTC.
    ScopedTz tz("EST5EDT");
    EXPECT_EQ(utc_millis(at(kSecond, 45)), "2026-12-03T20:13:12.045Z");
    EXPECT_EQ(utc_millis(at(kSecond, 999)), "2026-12-03T20:13:12.999Z");
    EXPECT_EQ(utc_millis(at(kSecond + 1, 0)), "2026-12-03T20:13:13.000Z");
    EXPECT_EQ(utc_millis(at(kSecond - 86400, 7)), "2026-12-02T20:13:12.007Z");  // back in time
    EXPECT_EQ(utc_millis(at(kSecond, 45)), "2026-12-03T20:13:12.045Z");
}

TEST(Timestamps, AccessTimeIsLocalInGoLayout) {
    {
        ScopedTz tz("UTC0");
        EXPECT_EQ(local_access_time(at(kSecond, 500)), "03/Dec/26:20:13:12 +0000");
    }
    ScopedTz tz("EST5EDT");
    // The cache is per second, not per zone: a new second shows the new zone.
    EXPECT_EQ(local_access_time(at(kSecond + 1, 0)), "03/Dec/26:15:13:13 -0500");
}

}  // namespace
}  // namespace rr::logging
