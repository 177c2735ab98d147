#pragma once
// Counter and gauge series: one double each, updated with atomics only (no lock, no allocation).
//
// A double lives in a std::atomic<uint64_t> as its bit pattern; add() is a compare-exchange
// loop on those bits. A counter also keeps whole-number increments in a second plain integer,
// so inc() is a single fetch_add (the common case on request paths).
//
// Thread safety: every member function is safe from any thread. Readers see each update whole,
// never a torn value; all accesses are relaxed (a scrape is a sample, not a barrier).

#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>

namespace rr::metrics {

namespace detail {

inline void atomic_add_double(std::atomic<std::uint64_t>& bits, double v) noexcept {
    std::uint64_t old = bits.load(std::memory_order_relaxed);
    while (!bits.compare_exchange_weak(old,
                                       std::bit_cast<std::uint64_t>(std::bit_cast<double>(old) + v),
                                       std::memory_order_relaxed)) {
    }
}

inline double load_double(const std::atomic<std::uint64_t>& bits) noexcept {
    return std::bit_cast<double>(bits.load(std::memory_order_relaxed));
}

}  // namespace detail

/// A monotonically increasing value (Prometheus counter).
class Counter {
public:
    /// Adds 1.
    void inc() noexcept { whole_.fetch_add(1, std::memory_order_relaxed); }

    /// Adds `v`. A negative or NaN `v` is refused (returns false, nothing changes): a counter
    /// never goes down.
    bool add(double v) noexcept {
        if (!(v >= 0)) return false;
        if (v < 9007199254740992.0) {  // 2^53: whole numbers below it are exact in both types
            const auto n = static_cast<std::uint64_t>(v);
            if (static_cast<double>(n) == v) {
                whole_.fetch_add(n, std::memory_order_relaxed);
                return true;
            }
        }
        detail::atomic_add_double(fraction_, v);
        return true;
    }

    double value() const noexcept {
        return detail::load_double(fraction_) +
               static_cast<double>(whole_.load(std::memory_order_relaxed));
    }

private:
    std::atomic<std::uint64_t> whole_{0};
    std::atomic<std::uint64_t> fraction_{0};  // bits of a double (0 is +0.0)
};

/// A value that goes up and down (Prometheus gauge).
class Gauge {
public:
    void set(double v) noexcept {
        bits_.store(std::bit_cast<std::uint64_t>(v), std::memory_order_relaxed);
    }
    void add(double v) noexcept { detail::atomic_add_double(bits_, v); }
    void sub(double v) noexcept { detail::atomic_add_double(bits_, -v); }
    void inc() noexcept { add(1); }
    void dec() noexcept { add(-1); }
    double value() const noexcept { return detail::load_double(bits_); }

private:
    std::atomic<std::uint64_t> bits_{0};
};

}  // namespace rr::metrics
