#pragma once
/// The `http.gzip` section: an rr extension (upstream's gzip middleware has no knobs), every
/// key optional; the defaults give upstream's behaviour for gzip (level 6 = "default
/// compression", 1 KiB threshold) plus brotli and zstd. docs/config.md, docs/http.md "gzip".
///
/// Thread safety: plain values.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"
#include "plugins/gzip/coding.h"

namespace rr::plugins {

struct GzipConfig {
    int level = 6;                        ///< gzip (zlib) level, 1..9
    int brotli_level = 4;                 ///< 0..11 (4: fast enough for dynamic responses)
    int zstd_level = 3;                   ///< 1..19 (zstd's default)
    std::uint64_t min_size_bytes = 1024;  ///< smaller bodies are sent uncompressed
    /// Offered codings, server preference first (a client's higher q still wins).
    std::vector<Coding> encodings = {Coding::kZstd, Coding::kBrotli, Coding::kGzip};
    /// Compressed static files (send_file bodies) kept in memory, MiB; 0 = no cache.
    std::uint64_t cache_mb = 64;
};

/// Decodes `http.gzip` (absent = all defaults). Throws ConfigError naming the key.
GzipConfig decode_gzip_config(const config::Node* v, const std::string& path,
                              const config::DecodeContext& ctx);

}  // namespace rr::plugins
