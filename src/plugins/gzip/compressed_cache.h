#pragma once
// CompressedCache: compressed bodies of static files (send_file ranges), so a file that many
// clients fetch is compressed once per coding and level rather than per response (what
// nginx's gzip_static gives with files compressed ahead of time). Keyed by the file's
// identity AND version (device, inode, size, mtime): a changed file is a new key, old entries
// age out. Least recently used entries go first once the byte budget is reached.
//
// Thread safety: safe from any thread (one mutex).

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "plugins/gzip/coding.h"

namespace rr::plugins {

struct CompressedKey {
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    Coding coding = Coding::kIdentity;
    int level = 0;
    bool operator==(const CompressedKey&) const = default;
};

class CompressedCache {
public:
    /// `budget_bytes` = 0 disables the cache (find() misses, insert() drops).
    explicit CompressedCache(std::uint64_t budget_bytes) : budget_(budget_bytes) {}

    bool enabled() const noexcept { return budget_ > 0; }
    std::shared_ptr<const std::string> find(const CompressedKey& key);
    void insert(const CompressedKey& key, std::shared_ptr<const std::string> body);

    std::uint64_t bytes() const;
    std::uint64_t hits() const;
    std::uint64_t misses() const;

private:
    struct Hash {
        std::size_t operator()(const CompressedKey& k) const noexcept;
    };
    using Lru = std::list<CompressedKey>;
    struct Entry {
        std::shared_ptr<const std::string> body;
        Lru::iterator position;
    };

    std::uint64_t budget_;
    mutable std::mutex mutex_;
    std::unordered_map<CompressedKey, Entry, Hash> entries_;
    Lru lru_;  // most recent first
    std::uint64_t bytes_ = 0;
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
};

}  // namespace rr::plugins
