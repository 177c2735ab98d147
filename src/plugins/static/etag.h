#pragma once
// Upstream's static-file ETags (roadrunner-server/static etag.go, stable line), byte for byte
// so caches warmed by RoadRunner stay valid:
//   strong  "<size>-<crc>"   crc: CRC-32 of the content with Go's crc32.MakeTable(0x48D90782)
//                            (reflected polynomial), decimal; no ETag for an empty file;
//   weak    W/"<crc>"        crc of the file's base name (not its content; BEHAVIOUR.md §1.17).
// Thread safety: stateless (the table is built at compile time).

#include <cstdint>
#include <string>
#include <string_view>

namespace rr::plugins {

/// Go's crc32.Update(crc, MakeTable(0x48D90782), data); start with 0 (Checksum).
std::uint32_t etag_crc32(std::uint32_t crc, std::string_view data) noexcept;

/// "\"<size>-<crc>\"".
std::string strong_etag(std::uint64_t size, std::uint32_t crc);

/// "W/\"<crc32(base_name)>\"".
std::string weak_etag(std::string_view base_name);

}  // namespace rr::plugins
