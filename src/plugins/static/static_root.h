#pragma once
// StaticRoot: opens files below the static directory so that no request path can leave it
// (docs/http.md "static", path safety). Paths come from resolve_static_path() (relative, no
// "..", no NUL); on top of that the symlink policy decides what symlinks may do:
//   kFollow   (default, as upstream and nginx) symlinks are followed wherever they point: they
//             are placed by whoever deploys the site (Laravel's public/storage link points
//             outside public/), never by a request;
//   kInside   a symlink may point anywhere below the root, not out of it
//             (openat2 RESOLVE_BENEATH; without openat2: the opened file's real path must be
//             below the root's real path);
//   kNone     no symlink is followed at all (RESOLVE_NO_SYMLINKS; fallback: O_NOFOLLOW on
//             every component).
// Files open with O_NONBLOCK (a FIFO under the root cannot block the I/O thread) and only
// regular files are served.
//
// Thread safety: open() is safe from any thread (the root fd is read-only state).

#include <sys/stat.h>

#include <string>
#include <string_view>

namespace rr::plugins {

enum class SymlinkPolicy { kFollow, kInside, kNone };

/// An open regular file: fd (owned; closed by the destructor) and its stat.
class OpenFile {
public:
    OpenFile() = default;
    OpenFile(int fd, const struct stat& st) : fd_(fd), st_(st) {}
    OpenFile(OpenFile&& other) noexcept : fd_(other.fd_), st_(other.st_) { other.fd_ = -1; }
    OpenFile& operator=(OpenFile&& other) noexcept;
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    ~OpenFile();

    explicit operator bool() const noexcept { return fd_ >= 0; }
    int fd() const noexcept { return fd_; }
    const struct stat& stat() const noexcept { return st_; }

private:
    int fd_ = -1;
    struct stat st_ {};
};

class StaticRoot {
public:
    /// Opens `dir`; throws std::system_error when it is not a readable directory.
    StaticRoot(const std::string& dir, SymlinkPolicy policy);
    ~StaticRoot();
    StaticRoot(const StaticRoot&) = delete;
    StaticRoot& operator=(const StaticRoot&) = delete;

    /// The regular file `relative` names, or an empty OpenFile (missing, a directory or
    /// another non-regular file, unreadable, or refused by the symlink policy).
    OpenFile open(const std::string& relative) const;

    /// Test hook: behave as on a kernel without openat2(2) (the fallback paths).
    void force_fallback(bool on) noexcept { force_fallback_ = on; }

private:
    int open_fallback(const std::string& relative) const;

    int dir_fd_ = -1;
    std::string real_dir_;  // realpath of the root, for the kInside fallback check
    SymlinkPolicy policy_;
    bool force_fallback_ = false;
};

}  // namespace rr::plugins
