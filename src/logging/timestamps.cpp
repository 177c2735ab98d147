#include "logging/timestamps.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cstdint>
#include <ctime>
#include <limits>

namespace rr::logging {

namespace {

using std::chrono::system_clock;

std::int64_t whole_seconds(system_clock::time_point t) {
    return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

/// One formatted text per second, per thread.
struct SecondCache {
    std::int64_t second = std::numeric_limits<std::int64_t>::min();
    std::string text;
};

}  // namespace

std::string utc_millis(system_clock::time_point t) {
    thread_local SecondCache cache;
    const std::int64_t second = whole_seconds(t);
    if (second != cache.second) {
        const std::time_t tt = static_cast<std::time_t>(second);
        std::tm tm{};
        ::gmtime_r(&tt, &tm);
        cache.text = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.", tm.tm_year + 1900,
                                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cache.second = second;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        t - system_clock::time_point(std::chrono::seconds(second)))
                        .count();
    std::string out;
    out.reserve(cache.text.size() + 4);
    out += cache.text;
    out += static_cast<char>('0' + ms / 100);
    out += static_cast<char>('0' + ms / 10 % 10);
    out += static_cast<char>('0' + ms % 10);
    out += 'Z';
    return out;
}

std::string local_access_time(system_clock::time_point t) {
    thread_local SecondCache cache;
    const std::int64_t second = whole_seconds(t);
    if (second != cache.second) {
        const std::time_t tt = static_cast<std::time_t>(second);
        cache.text = fmt::format("{:%d/%b/%y:%H:%M:%S %z}", fmt::localtime(tt));
        cache.second = second;
    }
    return cache.text;
}

}  // namespace rr::logging
