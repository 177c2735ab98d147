#include "plugins/gzip/compressed_cache.h"

namespace rr::plugins {

std::size_t CompressedCache::Hash::operator()(const CompressedKey& k) const noexcept {
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](std::uint64_t v) {
        h ^= v;
        h *= 1099511628211ULL;
    };
    mix(k.dev);
    mix(k.ino);
    mix(k.size);
    mix(static_cast<std::uint64_t>(k.mtime_ns));
    mix(k.offset);
    mix(k.length);
    mix(static_cast<std::uint64_t>(k.coding));
    mix(static_cast<std::uint64_t>(k.level));
    return static_cast<std::size_t>(h);
}

std::shared_ptr<const std::string> CompressedCache::find(const CompressedKey& key) {
    if (budget_ == 0) return nullptr;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        ++misses_;
        return nullptr;
    }
    ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second.position);
    return it->second.body;
}

void CompressedCache::insert(const CompressedKey& key, std::shared_ptr<const std::string> body) {
    if (budget_ == 0 || !body || body->size() > budget_) return;
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) return;  // raced: keep the first
    while (bytes_ + body->size() > budget_ && !lru_.empty()) {
        auto victim = entries_.find(lru_.back());
        bytes_ -= victim->second.body->size();
        entries_.erase(victim);
        lru_.pop_back();
    }
    lru_.push_front(key);
    bytes_ += body->size();
    entries_.emplace(key, Entry{std::move(body), lru_.begin()});
}

std::uint64_t CompressedCache::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}
std::uint64_t CompressedCache::hits() const {
    std::lock_guard lock(mutex_);
    return hits_;
}
std::uint64_t CompressedCache::misses() const {
    std::lock_guard lock(mutex_);
    return misses_;
}

}  // namespace rr::plugins
