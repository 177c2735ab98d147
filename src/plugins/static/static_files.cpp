#include "plugins/static/static_files.h"

#include <unistd.h>

#include <algorithm>
#include <random>

#include "http/status.h"
#include "plugins/static/conditional.h"
#include "plugins/static/etag.h"
#include "plugins/static/mime.h"

namespace rr::plugins {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kReadChunk = 256 * 1024;

std::string_view header_or_empty(const http::Request& request, std::string_view name) {
    const std::string* v = request.headers().find(name);
    return v ? std::string_view(*v) : std::string_view();
}

std::int64_t mtime_ns(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

/// Go's multipart boundary: 30 random bytes in hex.
std::string random_boundary() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(60);
    for (int i = 0; i < 30; ++i) {
        const auto b = static_cast<unsigned>(rng() & 0xff);
        out += kHex[b >> 4];
        out += kHex[b & 0xf];
    }
    return out;
}

std::string content_range(const ByteRange& r, std::uint64_t size) {
    return "bytes " + std::to_string(r.start) + "-" + std::to_string(r.start + r.length - 1) + "/" +
           std::to_string(size);
}

/// Go's serveError: the validators and encoding go, then http.Error's text response.
asio::awaitable<void> serve_error(http::ResponseWriter& writer, http::Fields headers, int status,
                                  std::string_view text) {
    for (std::string_view name :
         {"Cache-Control", "Content-Encoding", "Etag", "Last-Modified", "Content-Length"}) {
        headers.erase(name);
    }
    headers.set("Content-Type", "text/plain; charset=utf-8");
    headers.set("X-Content-Type-Options", "nosniff");
    std::string body(text);
    body += '\n';
    co_await writer.send_response(status, headers, body);
}

}  // namespace

StaticFiles::StaticFiles(const StaticConfig& cfg, std::shared_ptr<spdlog::logger> log)
    : root_(cfg.dir, cfg.symlinks),
      rules_(cfg.forbid, cfg.allow),
      calculate_etag_(cfg.calculate_etag),
      weak_(cfg.weak),
      log_(std::move(log)) {
    for (const auto& [name, value] : cfg.response) {
        response_headers_.set(name, value);
        if (http::iequals(name, "content-type")) response_sets_content_type_ = true;
    }
}

std::uint64_t StaticFiles::etag_computations() const {
    std::lock_guard lock(crc_mutex_);
    return crc_computations_;
}

asio::awaitable<void> StaticFiles::handle(http::Request& request, http::ResponseWriter& writer,
                                          http::Next next) {
    if (request.method() != "GET" && request.method() != "HEAD") {
        co_await next(request, writer);
        co_return;
    }
    const StaticPath path = resolve_static_path(request.target());
    if (path.verdict == PathVerdict::kForbidden) {
        co_await writer.send_response(403, http::Fields{}, {});
        co_return;
    }
    if (path.verdict != PathVerdict::kFile || !rules_.allowed(path.extension)) {
        co_await next(request, writer);
        co_return;
    }
    const OpenFile file = root_.open(path.relative);
    if (!file) {
        if (log_->should_log(spdlog::level::debug)) {
            log_->debug("no such file or directory: {}", path.relative);
        }
        co_await next(request, writer);
        co_return;
    }
    co_await serve(request, writer, file, path);
}

std::string StaticFiles::etag_for(const OpenFile& file, const std::string& relative) {
    if (!calculate_etag_) return {};
    if (weak_) {
        const auto slash = relative.rfind('/');
        return weak_etag(slash == std::string::npos ? std::string_view(relative)
                                                    : std::string_view(relative).substr(slash + 1));
    }
    const struct stat& st = file.stat();
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size == 0) return {};  // as upstream: no strong validator for an empty body
    const FileId id{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
    {
        std::lock_guard lock(crc_mutex_);
        if (auto it = crc_cache_.find(id); it != crc_cache_.end() && it->second.size == size &&
                                           it->second.mtime_ns == mtime_ns(st)) {
            return strong_etag(size, it->second.crc);
        }
    }
    std::string buf(static_cast<std::size_t>(std::min<std::uint64_t>(size, kReadChunk)), '\0');
    std::uint32_t crc = 0;
    std::uint64_t offset = 0;
    while (offset < size) {
        const ssize_t n =
            ::pread(file.fd(), buf.data(),
                    static_cast<std::size_t>(std::min<std::uint64_t>(size - offset, buf.size())),
                    static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return {};  // unreadable or shrunk: no ETag this time
        crc = etag_crc32(crc, std::string_view(buf.data(), static_cast<std::size_t>(n)));
        offset += static_cast<std::uint64_t>(n);
    }
    std::lock_guard lock(crc_mutex_);
    ++crc_computations_;
    if (crc_cache_.size() >= kMaxCrcEntries) crc_cache_.clear();
    crc_cache_[id] = CrcEntry{size, mtime_ns(st), crc};
    return strong_etag(size, crc);
}

std::string StaticFiles::content_type_for(const OpenFile& file, const StaticPath& path) const {
    const std::string_view by_ext = content_type_for_extension(path.extension);
    if (!by_ext.empty()) return std::string(by_ext);
    char head[512];
    const ssize_t n = ::pread(file.fd(), head, sizeof head, 0);
    return std::string(
        sniff_content_type(std::string_view(head, n > 0 ? static_cast<std::size_t>(n) : 0)));
}

asio::awaitable<void> StaticFiles::serve(http::Request& request, http::ResponseWriter& writer,
                                         const OpenFile& file, const StaticPath& path) {
    const struct stat& st = file.stat();
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::int64_t mtime = st.st_mtim.tv_sec;

    http::Fields headers = response_headers_;
    const std::string etag = etag_for(file, path.relative);
    if (!etag.empty()) headers.set("Etag", etag);
    if (mtime != 0) headers.set("Last-Modified", http::http_date(mtime));

    ConditionalRequest cond;
    cond.method = request.method();
    cond.if_match = header_or_empty(request, "If-Match");
    cond.if_unmodified_since = header_or_empty(request, "If-Unmodified-Since");
    cond.if_none_match = header_or_empty(request, "If-None-Match");
    cond.if_modified_since = header_or_empty(request, "If-Modified-Since");
    cond.if_range = header_or_empty(request, "If-Range");
    cond.range = header_or_empty(request, "Range");
    const ConditionalResult decision = evaluate_conditions(cond, Validators{etag, mtime});
    if (decision.outcome == Precondition::kPreconditionFailed) {
        co_await writer.send_response(412, headers, {});
        co_return;
    }
    if (decision.outcome == Precondition::kNotModified) {
        // Go's writeNotModified: no entity headers; Last-Modified only without an ETag.
        headers.erase("Content-Type");
        headers.erase("Content-Length");
        headers.erase("Content-Encoding");
        if (!etag.empty()) headers.erase("Last-Modified");
        co_await writer.send_response(304, headers, {});
        co_return;
    }

    const std::string ctype =
        response_sets_content_type_ ? *headers.find("Content-Type") : content_type_for(file, path);
    if (!response_sets_content_type_) headers.set("Content-Type", ctype);

    std::vector<ByteRange> ranges;
    if (decision.use_range) {
        const RangeStatus rs = parse_range(cond.range, size, ranges);
        if (rs != RangeStatus::kOk) {
            if (rs == RangeStatus::kNoOverlap) {
                headers.set("Content-Range", "bytes */" + std::to_string(size));
            }
            // Chosen before the co_await (g++ 12 mishandles a conditional in its operand).
            std::string_view text = "invalid range";
            if (rs == RangeStatus::kNoOverlap) text = "invalid range: failed to overlap";
            co_await serve_error(writer, std::move(headers), 416, text);
            co_return;
        }
    }
    headers.set("Accept-Ranges", "bytes");

    if (ranges.size() <= 1) {
        int status = 200;
        http::FileRange body{file.fd(), 0, size};
        if (ranges.size() == 1) {
            status = 206;
            headers.set("Content-Range", content_range(ranges[0], size));
            body.offset = ranges[0].start;
            body.length = ranges[0].length;
        }
        if (const auto ec = co_await writer.send_file(status, headers, body)) {
            if (!writer.client_gone())
                log_->warn("sending {} failed: {}", path.relative, ec.message());
        }
        co_return;
    }

    // Several ranges: multipart/byteranges with exact Content-Length, read in bounded chunks.
    const std::string boundary = random_boundary();
    std::vector<std::string> part_heads;
    part_heads.reserve(ranges.size());
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        std::string h = i == 0 ? "--" : "\r\n--";
        h += boundary;
        h += "\r\nContent-Range: ";
        h += content_range(ranges[i], size);
        h += "\r\nContent-Type: ";
        h += ctype;
        h += "\r\n\r\n";
        total += h.size() + ranges[i].length;
        part_heads.push_back(std::move(h));
    }
    const std::string closing = "\r\n--" + boundary + "--\r\n";
    total += closing.size();
    headers.set("Content-Type", "multipart/byteranges; boundary=" + boundary);
    headers.set("Content-Length", std::to_string(total));
    if (co_await writer.start_stream(206, headers, {})) co_return;
    if (request.is_head()) {
        co_await writer.finish_stream(http::Fields{});
        co_return;
    }
    std::string buf;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        if (co_await writer.send_chunk(part_heads[i])) co_return;
        std::uint64_t offset = ranges[i].start;
        std::uint64_t left = ranges[i].length;
        buf.resize(static_cast<std::size_t>(std::min<std::uint64_t>(left, kReadChunk)));
        while (left > 0) {
            const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
            const ssize_t n = ::pread(file.fd(), buf.data(), want, static_cast<off_t>(offset));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                log_->warn("reading {} failed mid-response", path.relative);
                co_return;  // the connection closes: the client sees a short body
            }
            if (co_await writer.send_chunk(
                    std::string_view(buf.data(), static_cast<std::size_t>(n)))) {
                co_return;
            }
            offset += static_cast<std::uint64_t>(n);
            left -= static_cast<std::uint64_t>(n);
        }
    }
    if (co_await writer.send_chunk(closing)) co_return;
    co_await writer.finish_stream(http::Fields{});
}

}  // namespace rr::plugins
