#include "plugins/static/static_root.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace rr::plugins {

namespace {

constexpr int kFileFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

/// openat2(2) via syscall (glibc 2.36 has no wrapper); -1 with errno, ENOSYS on old kernels.
int sys_openat2(int dirfd, const char* path, std::uint64_t flags, std::uint64_t resolve) {
#ifdef SYS_openat2
    open_how how{};
    how.flags = flags;
    how.resolve = resolve;
    return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
#else
    (void)dirfd;
    (void)path;
    (void)flags;
    (void)resolve;
    errno = ENOSYS;
    return -1;
#endif
}

}  // namespace

OpenFile& OpenFile::operator=(OpenFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        st_ = other.st_;
        other.fd_ = -1;
    }
    return *this;
}

OpenFile::~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
}

StaticRoot::StaticRoot(const std::string& dir, SymlinkPolicy policy) : policy_(policy) {
    dir_fd_ = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd_ < 0) {
        throw std::system_error(errno, std::generic_category(), "cannot open directory " + dir);
    }
    char real[PATH_MAX];
    if (::realpath(dir.c_str(), real) == nullptr) {
        const int err = errno;
        ::close(dir_fd_);
        throw std::system_error(err, std::generic_category(), "cannot resolve " + dir);
    }
    real_dir_ = real;
}

StaticRoot::~StaticRoot() {
    if (dir_fd_ >= 0) ::close(dir_fd_);
}

OpenFile StaticRoot::open(const std::string& relative) const {
    if (relative.empty() || relative.front() == '/') return {};
    int fd = -1;
    if (!force_fallback_) {
        std::uint64_t resolve = RESOLVE_NO_MAGICLINKS;
        if (policy_ == SymlinkPolicy::kInside) resolve |= RESOLVE_BENEATH;
        if (policy_ == SymlinkPolicy::kNone) resolve |= RESOLVE_NO_SYMLINKS;
        fd = sys_openat2(dir_fd_, relative.c_str(), kFileFlags, resolve);
        // ENOSYS: no openat2. EXDEV under kInside: RESOLVE_BENEATH refuses every absolute
        // symlink, even one pointing below the root; the fallback checks where it lands.
        if (fd < 0 && (errno == ENOSYS || (errno == EXDEV && policy_ == SymlinkPolicy::kInside))) {
            fd = open_fallback(relative);
        }
    } else {
        fd = open_fallback(relative);
    }
    if (fd < 0) return {};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return {};
    }
    return OpenFile(fd, st);
}

int StaticRoot::open_fallback(const std::string& relative) const {
    if (policy_ == SymlinkPolicy::kNone) {
        // Walk the components with O_NOFOLLOW, so no symlink is followed anywhere.
        int dir = ::dup(dir_fd_);
        if (dir < 0) return -1;
        std::string_view rest = relative;
        while (true) {
            const auto slash = rest.find('/');
            const std::string part(rest.substr(0, slash));
            const bool last = slash == std::string_view::npos;
            const int next = ::openat(
                dir, part.c_str(),
                last ? kFileFlags | O_NOFOLLOW : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            ::close(dir);
            if (next < 0 || last) return next;
            dir = next;
            rest.remove_prefix(slash + 1);
        }
    }
    const int fd = ::openat(dir_fd_, relative.c_str(), kFileFlags);
    if (fd < 0 || policy_ == SymlinkPolicy::kFollow) return fd;
    // kInside: the file actually opened must lie below the root's real path.
    char link[64];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char target[PATH_MAX];
    const ssize_t n = ::readlink(link, target, sizeof target - 1);
    if (n <= 0) {
        ::close(fd);
        return -1;
    }
    const std::string_view real(target, static_cast<std::size_t>(n));
    const bool inside = real.size() > real_dir_.size() &&
                        real.substr(0, real_dir_.size()) == real_dir_ &&
                        (real_dir_ == "/" || real[real_dir_.size()] == '/');
    if (!inside) {
        ::close(fd);
        errno = EXDEV;
        return -1;
    }
    return fd;
}

}  // namespace rr::plugins
