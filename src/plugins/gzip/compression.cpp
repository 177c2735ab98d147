#include "plugins/gzip/compression.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "common/ascii.h"
#include "http/forwarding_writer.h"

namespace rr::plugins {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 128 * 1024;
/// Compressed output of a file is sent once this much has gathered (bounded memory).
constexpr std::size_t kSendThreshold = 64 * 1024;

bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        const auto comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (ascii::iequals(item, token)) return true;
    }
    return false;
}

void add_vary(http::Fields& headers) {
    for (const auto& f : headers) {
        if (http::iequals(f.name, "vary") &&
            (has_token(f.value, "accept-encoding") || has_token(f.value, "*"))) {
            return;
        }
    }
    headers.add("Vary", "Accept-Encoding");
}

http::Fields with_vary(const http::Fields& in) {
    http::Fields out;
    out.reserve(in.size() + 1);
    for (const auto& f : in) out.add(f.name, f.value);
    add_vary(out);
    return out;
}

http::Fields encoded(const http::Fields& in, Coding coding) {
    http::Fields out;
    out.reserve(in.size() + 2);
    for (const auto& f : in) {
        if (http::iequals(f.name, "content-length") || http::iequals(f.name, "accept-ranges")) {
            continue;
        }
        if (http::iequals(f.name, "etag") && !f.value.empty() && f.value.front() == '"') {
            out.add(f.name, "W/" + f.value);  // a different representation: weak validator
            continue;
        }
        out.add(f.name, f.value);
    }
    out.add("Content-Encoding", std::string(coding_token(coding)));
    add_vary(out);
    return out;
}

bool eligible(int status, const http::Fields& headers) {
    if (status < 200 || status == 204 || status == 206 || status == 304) return false;
    if (headers.contains("Content-Encoding") || headers.contains("Content-Range")) return false;
    if (const std::string* cc = headers.find("Cache-Control");
        cc && has_token(*cc, "no-transform")) {
        return false;
    }
    const std::string* ct = headers.find("Content-Type");
    return compressible_type(ct ? std::string_view(*ct) : std::string_view());
}

std::optional<std::uint64_t> declared_length(const http::Fields& headers) {
    const std::string* cl = headers.find("Content-Length");
    if (cl == nullptr || cl->empty() || cl->size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : *cl) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

}  // namespace

/// The decorated writer for one request (see compression.h). `coding` kIdentity: Vary only.
class CompressingWriter final : public http::ForwardingWriter {
public:
    CompressingWriter(http::ResponseWriter& next, Compression& owner, Coding coding)
        : ForwardingWriter(next), owner_(owner), coding_(coding) {}

    asio::awaitable<error_code> send_response(int status, const http::Fields& headers,
                                              std::string_view body) override {
        if (coding_ == Coding::kIdentity || !eligible(status, headers) ||
            body.size() < owner_.cfg_.min_size_bytes) {
            co_return co_await next().send_response(status, with_vary(headers), body);
        }
        auto encoder = owner_.pool_.acquire(coding_);
        std::string out;
        if (!encoder || !encoder->write(body, out, Flush::kFinish)) {
            owner_.log_->error("{} compression failed; sent uncompressed", coding_token(coding_));
            co_return co_await next().send_response(status, with_vary(headers), body);
        }
        owner_.pool_.release(coding_, std::move(encoder));
        co_return co_await next().send_response(status, encoded(headers, coding_), out);
    }

    asio::awaitable<error_code> send_response(int status,
                                              std::span<const protocol::HttpField> headers,
                                              std::string_view body) override {
        http::Fields fields;
        fields.reserve(headers.size() + 2);
        for (const auto& h : headers) fields.add(std::string(h.name), std::string(h.value));
        co_return co_await send_response(status, fields, body);
    }

    asio::awaitable<error_code> start_stream(int status, const http::Fields& headers,
                                             std::string_view first_chunk) override {
        const auto length = declared_length(headers);
        if (coding_ == Coding::kIdentity || !eligible(status, headers) ||
            (length && *length < owner_.cfg_.min_size_bytes)) {
            co_return co_await next().start_stream(status, with_vary(headers), first_chunk);
        }
        encoder_ = owner_.pool_.acquire(coding_);
        out_.clear();
        if (!encoder_ || !encoder_->write(first_chunk, out_, Flush::kFlush)) {
            encoder_.reset();
            owner_.log_->error("{} compression failed; sent uncompressed", coding_token(coding_));
            co_return co_await next().start_stream(status, with_vary(headers), first_chunk);
        }
        co_return co_await next().start_stream(status, encoded(headers, coding_), out_);
    }

    asio::awaitable<error_code> send_chunk(std::string_view data) override {
        if (!encoder_) co_return co_await next().send_chunk(data);
        out_.clear();
        if (!encoder_->write(data, out_, Flush::kFlush)) co_return fail();
        if (out_.empty()) co_return error_code{};
        co_return co_await next().send_chunk(out_);
    }

    asio::awaitable<error_code> finish_stream(const http::Fields& headers) override {
        if (!encoder_) co_return co_await next().finish_stream(headers);
        out_.clear();
        if (!encoder_->write({}, out_, Flush::kFinish)) co_return fail();
        owner_.pool_.release(coding_, std::move(encoder_));
        if (!out_.empty()) {
            if (auto ec = co_await next().send_chunk(out_)) co_return ec;
        }
        co_return co_await next().finish_stream(headers);
    }

    asio::awaitable<error_code> send_file(int status, const http::Fields& headers,
                                          http::FileRange file) override {
        if (coding_ == Coding::kIdentity || !eligible(status, headers) ||
            file.length < owner_.cfg_.min_size_bytes) {
            co_return co_await next().send_file(status, with_vary(headers), file);
        }
        if (file.length <= Compression::kCacheableFile) {
            co_return co_await send_whole_file(status, headers, file);
        }
        // Large: compress while reading, in bounded pieces.
        auto encoder = owner_.pool_.acquire(coding_);
        if (!encoder) co_return co_await next().send_file(status, with_vary(headers), file);
        if (auto ec = co_await next().start_stream(status, encoded(headers, coding_), {})) {
            co_return ec;
        }
        std::string buf(kReadChunk, '\0');
        out_.clear();
        std::uint64_t offset = file.offset;
        std::uint64_t left = file.length;
        while (left > 0) {
            const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
            const ssize_t n = ::pread(file.fd, buf.data(), want, static_cast<off_t>(offset));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0)
                co_return boost::system::errc::make_error_code(boost::system::errc::io_error);
            const auto got = static_cast<std::size_t>(n);
            offset += got;
            left -= got;
            if (!encoder->write(std::string_view(buf.data(), got), out_,
                                left == 0 ? Flush::kFinish : Flush::kNone)) {
                co_return fail();
            }
            if (out_.size() >= kSendThreshold || left == 0) {
                if (auto ec = co_await next().send_chunk(out_)) co_return ec;
                out_.clear();
            }
        }
        owner_.pool_.release(coding_, std::move(encoder));
        co_return co_await next().finish_stream(http::Fields{});
    }

private:
    /// A range small enough to compress whole: from the cache, or compressed and cached.
    asio::awaitable<error_code> send_whole_file(int status, const http::Fields& headers,
                                                http::FileRange file) {
        std::optional<CompressedKey> key;
        if (owner_.cache_.enabled()) {
            struct stat st {};
            if (::fstat(file.fd, &st) == 0) {
                key = CompressedKey{
                    static_cast<std::uint64_t>(st.st_dev),
                    static_cast<std::uint64_t>(st.st_ino),
                    static_cast<std::uint64_t>(st.st_size),
                    static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                    file.offset,
                    file.length,
                    coding_,
                    owner_.pool_.level(coding_)};
                if (auto hit = owner_.cache_.find(*key)) {
                    co_return co_await next().send_response(status, encoded(headers, coding_),
                                                            *hit);
                }
            }
        }
        std::string raw(static_cast<std::size_t>(file.length), '\0');
        std::size_t got = 0;
        while (got < raw.size()) {
            const ssize_t n = ::pread(file.fd, raw.data() + got, raw.size() - got,
                                      static_cast<off_t>(file.offset + got));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0)
                co_return boost::system::errc::make_error_code(boost::system::errc::io_error);
            got += static_cast<std::size_t>(n);
        }
        auto encoder = owner_.pool_.acquire(coding_);
        auto body = std::make_shared<std::string>();
        if (!encoder || !encoder->write(raw, *body, Flush::kFinish)) {
            co_return co_await next().send_response(status, with_vary(headers), raw);
        }
        owner_.pool_.release(coding_, std::move(encoder));
        if (key) owner_.cache_.insert(*key, body);
        co_return co_await next().send_response(status, encoded(headers, coding_), *body);
    }

    /// A compressor error mid-stream (a bug or out of memory): the stream is cut.
    error_code fail() {
        encoder_.reset();
        owner_.log_->error("{} compression failed mid-stream; response cut", coding_token(coding_));
        return boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
    }

    Compression& owner_;
    Coding coding_;
    std::unique_ptr<Encoder> encoder_;  // set while a compressed stream is open
    std::string out_;
};

Compression::Compression(const GzipConfig& cfg, std::shared_ptr<spdlog::logger> log)
    : cfg_(cfg),
      pool_(cfg.level, cfg.brotli_level, cfg.zstd_level),
      cache_(cfg.cache_mb * 1024 * 1024),
      log_(std::move(log)) {}

asio::awaitable<void> Compression::handle(http::Request& request, http::ResponseWriter& writer,
                                          http::Next next) {
    Coding coding = Coding::kIdentity;
    if (!request.is_head()) {
        if (const std::string* ae = request.headers().find("Accept-Encoding")) {
            coding = negotiate_coding(*ae, cfg_.encodings);
        }
    }
    CompressingWriter decorated(writer, *this, coding);
    co_await next(request, decorated);
}

}  // namespace rr::plugins
