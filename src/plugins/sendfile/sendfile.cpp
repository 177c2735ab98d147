#include "plugins/sendfile/sendfile.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "http/forwarding_writer.h"

namespace rr::plugins {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

namespace {

constexpr int kFileFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

int openat2_beneath(int dirfd, const char* path) {
#ifdef SYS_openat2
    open_how how{};
    how.flags = kFileFlags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
#else
    (void)dirfd;
    (void)path;
    errno = ENOSYS;
    return -1;
#endif
}

/// True when the open file `fd` lies below the directory `root` (both real paths).
bool lies_below(int fd, const std::string& root) {
    char link[64];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char target[PATH_MAX];
    const ssize_t n = ::readlink(link, target, sizeof target - 1);
    if (n <= 0) return false;
    const std::string_view real(target, static_cast<std::size_t>(n));
    return real.size() > root.size() && real.substr(0, root.size()) == root &&
           (root == "/" || real[root.size()] == '/');
}

/// The first X-Sendfile value in `headers` ("" when absent).
template <class Headers>
std::string_view sendfile_path(const Headers& headers) {
    for (const auto& f : headers) {
        if (http::iequals(f.name, "x-sendfile")) return f.value;
    }
    return {};
}

class SendfileWriter final : public http::ForwardingWriter {
public:
    SendfileWriter(http::ResponseWriter& next, const Sendfile& owner)
        : ForwardingWriter(next), owner_(owner) {}

    asio::awaitable<error_code> send_response(int status, const http::Fields& headers,
                                              std::string_view body) override {
        if (sendfile_path(headers).empty()) {
            co_return co_await next().send_response(status, headers, body);
        }
        co_return co_await serve(headers);
    }
    asio::awaitable<error_code> send_response(int status,
                                              std::span<const protocol::HttpField> headers,
                                              std::string_view body) override {
        if (sendfile_path(headers).empty()) {
            co_return co_await next().send_response(status, headers, body);
        }
        http::Fields fields;
        for (const auto& h : headers) fields.add(std::string(h.name), std::string(h.value));
        co_return co_await serve(fields);
    }
    asio::awaitable<error_code> start_stream(int status, const http::Fields& headers,
                                             std::string_view first_chunk) override {
        if (sendfile_path(headers).empty()) {
            co_return co_await next().start_stream(status, headers, first_chunk);
        }
        replaced_ = true;  // the rest of the worker's stream is discarded
        co_return co_await serve(headers);
    }
    asio::awaitable<error_code> send_chunk(std::string_view data) override {
        if (replaced_) co_return error_code{};
        co_return co_await next().send_chunk(data);
    }
    asio::awaitable<error_code> finish_stream(const http::Fields& headers) override {
        if (replaced_) co_return error_code{};
        co_return co_await next().finish_stream(headers);
    }
    void update_trailers(const http::Fields& headers) override {
        if (!replaced_) next().update_trailers(headers);
    }

private:
    asio::awaitable<error_code> serve(const http::Fields& app_headers) {
        const std::string path(sendfile_path(app_headers));
        int status = 0;
        const int fd = owner_.open_named(path, status);
        if (fd < 0) {
            http::Fields h;
            std::string body;
            if (status != 403) {
                body = status == 404 ? "not found\n" : "cannot open the file\n";
                h.add("Content-Type", "text/plain; charset=utf-8");
                h.add("X-Content-Type-Options", "nosniff");
            }
            co_return co_await next().send_response(status, h, body);
        }
        struct stat st {};
        ::fstat(fd, &st);
        http::Fields h;
        h.reserve(app_headers.size() + 1);
        bool has_type = false;
        for (const auto& f : app_headers) {
            if (http::iequals(f.name, "x-sendfile") || http::iequals(f.name, "content-length")) {
                continue;
            }
            has_type = has_type || http::iequals(f.name, "content-type");
            h.add(f.name, f.value);
        }
        if (!has_type) h.add("Content-Type", "application/octet-stream");
        const auto ec = co_await next().send_file(
            200, h, http::FileRange{fd, 0, static_cast<std::uint64_t>(st.st_size)});
        ::close(fd);
        if (ec && !next().client_gone()) {
            owner_.log()->error("x-sendfile {}: {}", path, ec.message());
        }
        co_return ec;
    }

    const Sendfile& owner_;
    bool replaced_ = false;
};

}  // namespace

Sendfile::Sendfile(const SendfileConfig& cfg, std::shared_ptr<spdlog::logger> log)
    : root_(cfg.root), root_given_(cfg.root), log_(std::move(log)) {
    if (!root_.empty()) {
        char real[PATH_MAX];
        if (::realpath(root_.c_str(), real) != nullptr) root_ = real;
        root_fd_ = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd_ < 0) {
            throw std::system_error(errno, std::generic_category(), "cannot open " + root_);
        }
    }
}

Sendfile::~Sendfile() {
    if (root_fd_ >= 0) ::close(root_fd_);
}

int Sendfile::open_named(const std::string& path, int& status) const {
    status = 0;
    if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos) {
        log_->warn("x-sendfile refused (\"..\" in the path): {}", path);
        status = 403;
        return -1;
    }
    int fd = -1;
    if (!root_.empty()) {
        // Below the root only: an absolute path must start with it; a relative one is taken
        // relative to it.
        // The root as configured or as its real path (the worker may see either).
        std::string_view rel = path;
        if (!rel.empty() && rel.front() == '/') {
            auto below = [&rel](const std::string& root) {
                if (root.empty() || rel.size() <= root.size() ||
                    rel.substr(0, root.size()) != root ||
                    (root != "/" && rel[root.size()] != '/')) {
                    return false;
                }
                rel.remove_prefix(root == "/" ? 1 : root.size() + 1);
                return true;
            };
            if (!below(root_) && !below(root_given_)) {
                log_->warn("x-sendfile refused (outside http.sendfile.root): {}", path);
                status = 403;
                return -1;
            }
        }
        const std::string relative(rel);
        fd = openat2_beneath(root_fd_, relative.c_str());
        if (fd < 0 && (errno == ENOSYS || errno == EXDEV)) {
            fd = ::openat(root_fd_, relative.c_str(), kFileFlags);
            if (fd >= 0 && !lies_below(fd, root_)) {
                ::close(fd);
                log_->warn("x-sendfile refused (a symlink leads outside http.sendfile.root): {}",
                           path);
                status = 403;
                return -1;
            }
        }
    } else {
        fd = ::open(path.c_str(), kFileFlags);  // relative paths: rr's working directory
    }
    if (fd < 0) {
        const int err = errno;
        status = (err == ENOENT || err == ENOTDIR || err == ELOOP) ? 404 : 500;
        if (err == EXDEV) status = 403;
        log_->error("x-sendfile {}: {}", path, std::strerror(err));
        return -1;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        log_->error("x-sendfile {}: not a regular file", path);
        status = 404;
        return -1;
    }
    return fd;
}

asio::awaitable<void> Sendfile::handle(http::Request& request, http::ResponseWriter& writer,
                                       http::Next next) {
    SendfileWriter decorated(writer, *this);
    co_await next(request, decorated);
}

}  // namespace rr::plugins
