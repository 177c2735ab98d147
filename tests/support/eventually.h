#pragma once
// eventually(): for tests whose server runs on a thread of its own — poll a condition (each call
// typically a round trip through that thread) until it holds or the deadline passes. A wait on a
// condition with a deadline, not a sleep for synchronisation.

#include <chrono>
#include <thread>

namespace rr::test {

/// True as soon as `cond()` is; false when it still is not after `timeout`.
template <class Cond>
bool eventually(Cond cond, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return cond();
}

}  // namespace rr::test
