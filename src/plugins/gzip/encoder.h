#pragma once
// Streaming compressors for the `gzip` middleware: gzip (zlib; libdeflate when a whole body
// comes in one kFinish call), brotli (libbrotlienc) and zstd (libzstd) behind one interface, and a
// small pool so the common case reuses an encoder's state instead of allocating it per response (a
// zlib deflate state is ~256 KiB).
//
// Usage per response: acquire(), then write() any number of times with kNone (buffer freely)
// or kFlush (everything so far leaves the compressor: one worker frame = one decodable piece),
// then once with kFinish (the stream's trailer); release() returns the encoder for reuse.
// Output is APPENDED to `out`. Errors are bugs or allocation failures: write() returns false
// and the encoder must not be reused.
//
// Thread safety: an Encoder belongs to one response; EncoderPool is safe from any thread.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/gzip/coding.h"

namespace rr::plugins {

enum class Flush { kNone, kFlush, kFinish };

class Encoder {
public:
    virtual ~Encoder() = default;
    virtual bool write(std::string_view in, std::string& out, Flush flush) = 0;
    /// Makes a finished (or fresh) encoder ready for a new stream; false if it cannot be.
    virtual bool reset() = 0;
};

/// A new encoder for `coding` at `level` (coding-specific range, checked by the config), or
/// null if the library refused to create one.
std::unique_ptr<Encoder> make_encoder(Coding coding, int level);

/// Per coding, keeps up to `max_idle` finished encoders for reuse.
class EncoderPool {
public:
    EncoderPool(int gzip_level, int brotli_level, int zstd_level, std::size_t max_idle = 16);

    std::unique_ptr<Encoder> acquire(Coding coding);
    /// Gives back an encoder whose last write() was kFinish and succeeded.
    void release(Coding coding, std::unique_ptr<Encoder> encoder);
    int level(Coding coding) const noexcept;

private:
    std::vector<std::unique_ptr<Encoder>>& idle(Coding coding);

    int gzip_level_;
    int brotli_level_;
    int zstd_level_;
    std::size_t max_idle_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Encoder>> gzip_idle_;
    std::vector<std::unique_ptr<Encoder>> brotli_idle_;
    std::vector<std::unique_ptr<Encoder>> zstd_idle_;
};

/// Compresses `in` as one whole stream (tests, the static cache).
bool compress_all(Encoder& encoder, std::string_view in, std::string& out);

}  // namespace rr::plugins
