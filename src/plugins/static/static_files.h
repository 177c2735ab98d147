#pragma once
// StaticFiles: the `static` middleware (docs/http.md "static"; upstream
// roadrunner-server/static + Go's http.ServeContent).
//
// GET and HEAD requests naming an existing regular file under the root (path.h rules,
// static_root.h symlink policy, extension rules) are answered here, without PHP:
// Content-Type from the extension (else sniffed), Last-Modified, an optional ETag (etag.h),
// conditional requests (304/412), single ranges (206 via send_file: zero-copy on plain TCP),
// several ranges (206 multipart/byteranges, read in bounded chunks), unsatisfiable or bad
// ranges (416), and `http.static.response` headers. A ".." in the path is answered 403 as
// upstream. Everything else goes on to the next link: other methods, directories, missing
// files, forbidden or not-allowed extensions, names without an extension.
//
// Strong ETags hash the whole file once per (device, inode, size, mtime): the CRC is cached,
// so a large file is not re-read per request.
//
// Thread safety: handle() may run on several I/O threads at once; the ETag cache is guarded.

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/middleware.h"
#include "plugins/static/config.h"
#include "plugins/static/path.h"
#include "plugins/static/static_root.h"

namespace rr::plugins {

class StaticFiles final : public http::Middleware {
public:
    /// Throws std::system_error when cfg.dir cannot be opened. `log` must not be null.
    StaticFiles(const StaticConfig& cfg, std::shared_ptr<spdlog::logger> log);

    boost::asio::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer,
                                        http::Next next) override;

    /// How many times a file was read to compute a strong ETag (for tests).
    std::uint64_t etag_computations() const;
    /// Test hook: open files as on a kernel without openat2(2).
    void force_open_fallback(bool on) noexcept { root_.force_fallback(on); }

private:
    boost::asio::awaitable<void> serve(http::Request& request, http::ResponseWriter& writer,
                                       const OpenFile& file, const StaticPath& path);
    /// The ETag for `file` ("" when none is configured or the file is empty/unreadable).
    std::string etag_for(const OpenFile& file, const std::string& relative);
    std::string content_type_for(const OpenFile& file, const StaticPath& path) const;

    struct FileId {
        std::uint64_t dev = 0;
        std::uint64_t ino = 0;
        bool operator==(const FileId&) const = default;
    };
    struct FileIdHash {
        std::size_t operator()(const FileId& id) const noexcept {
            return std::hash<std::uint64_t>{}(id.ino * 0x9e3779b97f4a7c15ULL ^ id.dev);
        }
    };
    struct CrcEntry {
        std::uint64_t size = 0;
        std::int64_t mtime_ns = 0;
        std::uint32_t crc = 0;
    };
    /// Most cached CRCs; the cache starts over when full.
    static constexpr std::size_t kMaxCrcEntries = 16384;

    StaticRoot root_;
    ExtensionRules rules_;
    bool calculate_etag_;
    bool weak_;
    http::Fields response_headers_;
    bool response_sets_content_type_ = false;
    std::shared_ptr<spdlog::logger> log_;

    mutable std::mutex crc_mutex_;
    std::unordered_map<FileId, CrcEntry, FileIdHash> crc_cache_;
    std::uint64_t crc_computations_ = 0;
};

}  // namespace rr::plugins
