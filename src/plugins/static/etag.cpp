#include "plugins/static/etag.h"

#include <array>
#include <cstring>

namespace rr::plugins {

namespace {

constexpr std::uint32_t kPoly = 0x48D90782;  // upstream's table polynomial (reflected form)

/// Slicing-by-8 tables: [0] is Go's simpleMakeTable(kPoly); [k][i] extends [k-1] by a zero byte.
constexpr std::array<std::array<std::uint32_t, 256>, 8> make_tables() {
    std::array<std::array<std::uint32_t, 256>, 8> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t crc = i;
        for (int j = 0; j < 8; ++j) crc = (crc & 1) != 0 ? (crc >> 1) ^ kPoly : crc >> 1;
        t[0][i] = crc;
    }
    for (std::size_t k = 1; k < 8; ++k) {
        for (std::size_t i = 0; i < 256; ++i) {
            const std::uint32_t prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][prev & 0xff];
        }
    }
    return t;
}

constexpr auto kTables = make_tables();

}  // namespace

std::uint32_t etag_crc32(std::uint32_t crc, std::string_view data) noexcept {
    crc = ~crc;
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t n = data.size();
    while (n >= 8) {
        std::uint32_t lo;
        std::uint32_t hi;
        std::memcpy(&lo, p, 4);  // little-endian host (x86-64, arm64)
        std::memcpy(&hi, p + 4, 4);
        lo ^= crc;
        crc = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
              kTables[4][lo >> 24] ^ kTables[3][hi & 0xff] ^ kTables[2][(hi >> 8) & 0xff] ^
              kTables[1][(hi >> 16) & 0xff] ^ kTables[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n-- > 0) crc = kTables[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

std::string strong_etag(std::uint64_t size, std::uint32_t crc) {
    std::string out = "\"";
    out += std::to_string(size);
    out += '-';
    out += std::to_string(crc);
    out += '"';
    return out;
}

std::string weak_etag(std::string_view base_name) {
    return "W/\"" + std::to_string(etag_crc32(0, base_name)) + "\"";
}

}  // namespace rr::plugins
