#pragma once
// Content codings the `gzip` middleware offers (RoadRunner's has gzip only; brotli and zstd
// are rr extensions), Accept-Encoding negotiation (RFC 9110 §12.5.3) and the content types
// worth compressing. Pure code over bytes (fuzzed by fuzz/middleware/). Thread safety:
// stateless.

#include <span>
#include <string_view>

namespace rr::plugins {

enum class Coding { kIdentity, kGzip, kBrotli, kZstd };

/// "gzip", "br", "zstd" ("identity" for kIdentity): the Content-Encoding token.
std::string_view coding_token(Coding c) noexcept;
/// The coding a token names ("gzip", "x-gzip", "br", "zstd"; case-insensitive), or kIdentity.
Coding coding_from_token(std::string_view token) noexcept;

/// The coding to answer with: of the `offered` codings (server preference first), the one the
/// Accept-Encoding value gives the highest q (an explicit entry, else "*"); ties go to the
/// earlier offered one; q=0 refuses. kIdentity when none is acceptable, the header is empty,
/// or a q value is malformed (that entry counts as q=0).
Coding negotiate_coding(std::string_view accept_encoding, std::span<const Coding> offered);

/// Whether a response of this Content-Type is worth compressing: not already compressed
/// media (images except SVG/ICO/BMP, audio, video, WOFF fonts, archives: types containing
/// "zip", "compress", "zstd", "brotli"), not application/octet-stream, not multipart/byteranges.
/// An absent type ("") is compressible, as in gzhttp.
bool compressible_type(std::string_view content_type) noexcept;

}  // namespace rr::plugins
