#include "metrics/exposition.h"

#include <zlib.h>

#include <charconv>

#include "common/ascii.h"
#include "metrics/registry.h"
#include "metrics/text_format.h"

namespace rr::metrics {

namespace {

using rr::ascii::iequals;

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The q of one "coding;param;q=x" entry: 1 without a q, -1 when malformed.
double entry_q(std::string_view params) noexcept {
    double q = 1;
    while (!params.empty()) {
        const std::size_t semi = params.find(';');
        std::string_view p = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
        if (p.size() < 2 || !(p[0] == 'q' || p[0] == 'Q') || p[1] != '=') continue;
        std::string_view v = trim(p.substr(2));
        double parsed = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
        if (ec != std::errc() || end != v.data() + v.size() || parsed < 0 || parsed > 1) return -1;
        q = parsed;
    }
    return q;
}

}  // namespace

bool accepts_gzip(std::string_view header) noexcept {
    double gzip_q = -1;  // not mentioned
    double star_q = -1;
    while (!header.empty()) {
        const std::size_t comma = header.find(',');
        std::string_view entry = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        const std::size_t semi = entry.find(';');
        const std::string_view coding = trim(entry.substr(0, semi));
        const double q = semi == std::string_view::npos ? 1.0 : entry_q(entry.substr(semi + 1));
        if (q < 0) continue;
        if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
            gzip_q = q;
        } else if (coding == "*") {
            star_q = q;
        }
    }
    if (gzip_q >= 0) return gzip_q > 0;
    return star_q > 0;
}

namespace {

/// One deflate state per thread, reset between bodies: deflateInit2/deflateEnd per scrape
/// allocate and free ~270 KiB, and the free lets malloc hand the pages back (madvise), which in
/// a multi-threaded process interrupts the other CPUs running it (TLB shootdown), the I/O
/// thread among them.
class Deflater {
public:
    Deflater() {
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        ok_ = deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                           Z_DEFAULT_STRATEGY) == Z_OK;
    }
    ~Deflater() {
        if (ok_) deflateEnd(&zs_);
    }
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;

    Expected<std::string> compress(std::string_view data) {
        if (!ok_) return Error{"gzip: deflateInit2 failed"};
        if (deflateReset(&zs_) != Z_OK) return Error{"gzip: deflateReset failed"};
        std::string out;
        out.resize(deflateBound(&zs_, static_cast<uLong>(data.size())) + 32);
        // zlib's API takes non-const input pointers but does not write through them.
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        zs_.avail_in = static_cast<uInt>(data.size());
        zs_.next_out = reinterpret_cast<Bytef*>(out.data());
        zs_.avail_out = static_cast<uInt>(out.size());
        const int rc = deflate(&zs_, Z_FINISH);
        if (rc != Z_STREAM_END) return Error{"gzip: deflate did not finish"};
        out.resize(zs_.total_out);
        return out;
    }

private:
    z_stream zs_{};
    bool ok_ = false;
};

}  // namespace

Expected<std::string> gzip_compress(std::string_view data) {
    thread_local Deflater deflater;
    return deflater.compress(data);
}

ScrapeResponse render_scrape(const Registry& registry, std::string_view /*accept*/,
                             std::string_view accept_encoding) {
    ScrapeResponse r;
    r.content_type = kTextContentType;
    std::string text = registry.scrape_text();
    if (accepts_gzip(accept_encoding)) {
        if (auto z = gzip_compress(text)) {
            r.body = std::move(z.value());
            r.gzipped = true;
            return r;
        }
    }
    r.body = std::move(text);
    return r;
}

}  // namespace rr::metrics
