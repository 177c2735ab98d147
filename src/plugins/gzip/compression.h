#pragma once
// Compression: the `gzip` middleware (docs/http.md "gzip"; upstream roadrunner-server/gzip on
// klauspost gzhttp), with brotli and zstd besides gzip.
//
// Per request the coding is negotiated from Accept-Encoding (coding.h); HEAD requests and
// clients that accept none of the offered codings get the response unchanged. Every final
// response gets `Vary: Accept-Encoding` (as gzhttp). A response is compressed when its status
// can carry a body and is not 206 (no Range/304/204/1xx), it has no Content-Encoding or
// Content-Range yet, no `Cache-Control: no-transform`, a compressible Content-Type, and
// (when its length is known) at least min_size_bytes. Compressed responses lose
// Content-Length and Accept-Ranges, get Content-Encoding, and a strong ETag becomes weak (the
// bytes differ from the identity representation; conditional requests still match, as weak
// comparison ignores the W/ prefix).
//
// Streams are compressed incrementally and flushed per chunk (one worker frame stays one
// decodable piece on the wire: server-sent events keep working). File bodies (send_file) are
// read and compressed in bounded chunks; ranges up to kCacheableFile are compressed once and
// kept in a CompressedCache.
//
// Thread safety: handle() may run on several I/O threads; shared state (encoder pool, cache)
// is guarded.

#include <spdlog/logger.h>

#include <memory>

#include "http/middleware.h"
#include "plugins/gzip/compressed_cache.h"
#include "plugins/gzip/config.h"
#include "plugins/gzip/encoder.h"

namespace rr::plugins {

class Compression final : public http::Middleware {
public:
    /// File bodies up to this size are compressed whole and cached.
    static constexpr std::uint64_t kCacheableFile = 8 * 1024 * 1024;

    Compression(const GzipConfig& cfg, std::shared_ptr<spdlog::logger> log);

    boost::asio::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer,
                                        http::Next next) override;

    const CompressedCache& cache() const noexcept { return cache_; }

private:
    friend class CompressingWriter;

    GzipConfig cfg_;
    EncoderPool pool_;
    CompressedCache cache_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace rr::plugins
