#include "rpc/unix_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace rr::rpc::detail {

namespace {

boost::system::error_code errno_code(int e) {
    return {e, boost::system::system_category()};
}

}  // namespace

boost::system::error_code prepare_unix_socket_path(const std::string& path) {
    sockaddr_un addr{};
    if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
        return errno_code(ENAMETOOLONG);
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return errno == ENOENT ? boost::system::error_code{} : errno_code(errno);
    }
    if (!S_ISSOCK(st.st_mode)) {
        return make_error_code(errc::kRpcSocketNotSocket);
    }
    // A socket file: is anybody accepting on it? A non-blocking connect answers at once.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return errno_code(errno);
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    const int err = rc == 0 ? 0 : errno;
    ::close(fd);
    if (rc == 0 || err == EAGAIN || err == EINPROGRESS) {
        return make_error_code(errc::kRpcSocketInUse);  // accepted, or its backlog is full
    }
    if (err != ECONNREFUSED) {
        return errno_code(err);  // e.g. EACCES: not ours to judge
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return errno_code(errno);
    }
    return {};
}

bool file_identity(const std::string& path, dev_t& dev, ino_t& ino) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return false;
    }
    dev = st.st_dev;
    ino = st.st_ino;
    return true;
}

void remove_if_same(const std::string& path, dev_t dev, ino_t ino) noexcept {
    dev_t d = 0;
    ino_t i = 0;
    if (file_identity(path, d, i) && d == dev && i == ino) {
        ::unlink(path.c_str());
    }
}

}  // namespace rr::rpc::detail
