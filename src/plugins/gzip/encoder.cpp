#include "plugins/gzip/encoder.h"

#include <brotli/encode.h>
#include <libdeflate.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>

namespace rr::plugins {

namespace {

/// Output grows in steps of this much while a call produces more.
constexpr std::size_t kOutStep = 16 * 1024;

/// gzip. A whole body in one call (a buffered worker response, a file for the cache) goes
/// through libdeflate, which at the same level spends about half to three quarters of zlib's
/// CPU and writes a smaller stream (bench/RESULTS.md, "gzip"); everything streamed goes through
/// zlib, which can flush mid-stream.
class GzipEncoder final : public Encoder {
public:
    explicit GzipEncoder(int level) : level_(level) {
        // windowBits 15 + 16: a gzip wrapper (RFC 1952); memLevel 8 is zlib's default.
        ok_ = deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    }
    ~GzipEncoder() override {
        if (ok_) deflateEnd(&z_);
        if (whole_ != nullptr) libdeflate_free_compressor(whole_);
    }
    GzipEncoder(const GzipEncoder&) = delete;
    GzipEncoder& operator=(const GzipEncoder&) = delete;
    bool valid() const { return ok_; }

    bool write(std::string_view in, std::string& out, Flush flush) override {
        if (flush == Flush::kFinish && fresh_ && !in.empty()) return write_whole(in, out);
        fresh_ = false;
        const int mode = flush == Flush::kNone    ? Z_NO_FLUSH
                         : flush == Flush::kFlush ? Z_SYNC_FLUSH
                                                  : Z_FINISH;
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z_.avail_in = static_cast<uInt>(in.size());
        while (true) {
            const std::size_t used = out.size();
            const std::size_t room =
                std::max<std::size_t>(kOutStep, deflateBound(&z_, z_.avail_in) + 16);
            out.resize(used + room);
            z_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
            z_.avail_out = static_cast<uInt>(room);
            const int rc = deflate(&z_, mode);
            out.resize(used + (room - z_.avail_out));
            if (rc == Z_STREAM_ERROR) return false;
            if (mode == Z_FINISH) {
                if (rc == Z_STREAM_END) return true;
                continue;  // more output pending
            }
            if (z_.avail_in == 0 && z_.avail_out != 0) return true;
        }
    }
    bool reset() override {
        fresh_ = true;
        return deflateReset(&z_) == Z_OK;
    }

private:
    /// The whole stream in one call (no flush points to keep): one gzip member, appended.
    bool write_whole(std::string_view in, std::string& out) {
        fresh_ = false;  // finished: reset() before the next stream, as with zlib
        if (whole_ == nullptr) whole_ = libdeflate_alloc_compressor(level_);
        if (whole_ == nullptr) return false;
        const std::size_t used = out.size();
        const std::size_t bound = libdeflate_gzip_compress_bound(whole_, in.size());
        out.resize(used + bound);
        const std::size_t n =
            libdeflate_gzip_compress(whole_, in.data(), in.size(), out.data() + used, bound);
        out.resize(used + n);
        return n != 0;
    }

    int level_;
    z_stream z_{};
    bool ok_ = false;
    bool fresh_ = true;                       ///< nothing written since the last reset
    libdeflate_compressor* whole_ = nullptr;  ///< made on the first whole-body call
};

class BrotliEncoder final : public Encoder {
public:
    explicit BrotliEncoder(int level) : level_(level) { create(); }
    ~BrotliEncoder() override {
        if (state_ != nullptr) BrotliEncoderDestroyInstance(state_);
    }
    bool valid() const { return state_ != nullptr; }

    bool write(std::string_view in, std::string& out, Flush flush) override {
        const BrotliEncoderOperation op = flush == Flush::kNone    ? BROTLI_OPERATION_PROCESS
                                          : flush == Flush::kFlush ? BROTLI_OPERATION_FLUSH
                                                                   : BROTLI_OPERATION_FINISH;
        std::size_t avail_in = in.size();
        const auto* next_in = reinterpret_cast<const uint8_t*>(in.data());
        while (true) {
            const std::size_t used = out.size();
            out.resize(used + kOutStep);
            std::size_t avail_out = kOutStep;
            auto* next_out = reinterpret_cast<uint8_t*>(out.data() + used);
            if (!BrotliEncoderCompressStream(state_, op, &avail_in, &next_in, &avail_out, &next_out,
                                             nullptr)) {
                out.resize(used);
                return false;
            }
            out.resize(used + (kOutStep - avail_out));
            const bool more = BrotliEncoderHasMoreOutput(state_) != 0;
            if (op == BROTLI_OPERATION_FINISH) {
                if (BrotliEncoderIsFinished(state_) && !more) return true;
                continue;
            }
            if (avail_in == 0 && !more) return true;
        }
    }
    bool reset() override {  // brotli has no reset: start a new instance
        if (state_ != nullptr) BrotliEncoderDestroyInstance(state_);
        create();
        return state_ != nullptr;
    }

private:
    void create() {
        state_ = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
        if (state_ == nullptr) return;
        BrotliEncoderSetParameter(state_, BROTLI_PARAM_QUALITY, static_cast<uint32_t>(level_));
        BrotliEncoderSetParameter(state_, BROTLI_PARAM_LGWIN, 22);
    }

    int level_;
    BrotliEncoderState* state_ = nullptr;
};

class ZstdEncoder final : public Encoder {
public:
    explicit ZstdEncoder(int level) : ctx_(ZSTD_createCCtx()) {
        if (ctx_ != nullptr) ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, level);
    }
    ~ZstdEncoder() override { ZSTD_freeCCtx(ctx_); }
    bool valid() const { return ctx_ != nullptr; }

    bool write(std::string_view in, std::string& out, Flush flush) override {
        const ZSTD_EndDirective mode = flush == Flush::kNone    ? ZSTD_e_continue
                                       : flush == Flush::kFlush ? ZSTD_e_flush
                                                                : ZSTD_e_end;
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        while (true) {
            const std::size_t used = out.size();
            const std::size_t room = std::max(kOutStep, ZSTD_CStreamOutSize());
            out.resize(used + room);
            ZSTD_outBuffer output{out.data() + used, room, 0};
            const std::size_t left = ZSTD_compressStream2(ctx_, &output, &input, mode);
            out.resize(used + output.pos);
            if (ZSTD_isError(left)) return false;
            if (mode == ZSTD_e_continue) {
                if (input.pos == input.size) return true;
            } else if (left == 0) {
                return true;
            }
        }
    }
    bool reset() override { return !ZSTD_isError(ZSTD_CCtx_reset(ctx_, ZSTD_reset_session_only)); }

private:
    ZSTD_CCtx* ctx_;
};

template <class E>
std::unique_ptr<Encoder> checked(std::unique_ptr<E> e) {
    if (!e->valid()) return nullptr;
    return e;
}

}  // namespace

std::unique_ptr<Encoder> make_encoder(Coding coding, int level) {
    switch (coding) {
        case Coding::kGzip:
            return checked(std::make_unique<GzipEncoder>(level));
        case Coding::kBrotli:
            return checked(std::make_unique<BrotliEncoder>(level));
        case Coding::kZstd:
            return checked(std::make_unique<ZstdEncoder>(level));
        case Coding::kIdentity:
            break;
    }
    return nullptr;
}

EncoderPool::EncoderPool(int gzip_level, int brotli_level, int zstd_level, std::size_t max_idle)
    : gzip_level_(gzip_level),
      brotli_level_(brotli_level),
      zstd_level_(zstd_level),
      max_idle_(max_idle) {}

int EncoderPool::level(Coding coding) const noexcept {
    switch (coding) {
        case Coding::kGzip:
            return gzip_level_;
        case Coding::kBrotli:
            return brotli_level_;
        case Coding::kZstd:
            return zstd_level_;
        case Coding::kIdentity:
            break;
    }
    return 0;
}

std::vector<std::unique_ptr<Encoder>>& EncoderPool::idle(Coding coding) {
    return coding == Coding::kGzip     ? gzip_idle_
           : coding == Coding::kBrotli ? brotli_idle_
                                       : zstd_idle_;
}

std::unique_ptr<Encoder> EncoderPool::acquire(Coding coding) {
    {
        std::lock_guard lock(mutex_);
        auto& list = idle(coding);
        if (!list.empty()) {
            auto e = std::move(list.back());
            list.pop_back();
            return e;
        }
    }
    return make_encoder(coding, level(coding));
}

void EncoderPool::release(Coding coding, std::unique_ptr<Encoder> encoder) {
    if (!encoder || !encoder->reset()) return;
    std::lock_guard lock(mutex_);
    auto& list = idle(coding);
    if (list.size() < max_idle_) list.push_back(std::move(encoder));
}

bool compress_all(Encoder& encoder, std::string_view in, std::string& out) {
    return encoder.write(in, out, Flush::kFinish);
}

}  // namespace rr::plugins
