#pragma once
// Sendfile: the `sendfile` middleware (BEHAVIOUR.md §3.10; upstream roadrunner-server/send).
// When the application's final response carries `X-Sendfile: <path>`, that file becomes the
// body: the header is removed, the status is 200, Content-Length is the file's size, the
// application's other headers are kept (Content-Type too; application/octet-stream when it
// set none) and its body is discarded. The file goes out through ResponseWriter::send_file:
// zero-copy sendfile(2) on plain TCP, bounded reads otherwise; never buffered whole.
//
// Unlike upstream (which buffers every response while the middleware is listed), responses
// without X-Sendfile pass through untouched: 1xx interim responses and streamed bodies are
// delivered as they come. A streamed response whose head carries X-Sendfile gets the file;
// its later chunks are discarded.
//
// Refusals, as upstream: a path containing ".." → 403 (empty body); a missing file (or not a
// regular file) → 404 "not found"; a file that cannot be opened → 500. Each is logged. With
// `http.sendfile.root` set, a path outside that directory (or reached through a symlink
// leading out of it) → 403.
//
// Thread safety: immutable after construction; handle() may run on several I/O threads.

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "http/middleware.h"
#include "plugins/sendfile/config.h"

namespace rr::plugins {

class Sendfile final : public http::Middleware {
public:
    /// Throws std::system_error when cfg.root cannot be opened.
    Sendfile(const SendfileConfig& cfg, std::shared_ptr<spdlog::logger> log);
    ~Sendfile() override;
    Sendfile(const Sendfile&) = delete;
    Sendfile& operator=(const Sendfile&) = delete;

    boost::asio::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer,
                                        http::Next next) override;

    /// Opens the file a worker named: fd (caller closes) or -1 with `status` set to the
    /// answer (403, 404 or 500). Public for tests.
    int open_named(const std::string& path, int& status) const;

    const std::shared_ptr<spdlog::logger>& log() const noexcept { return log_; }

private:
    std::string root_;        // real path; "" = no restriction
    std::string root_given_;  // as configured (absolute, lexically normal)
    int root_fd_ = -1;  // O_PATH directory fd when root_ is set
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace rr::plugins
