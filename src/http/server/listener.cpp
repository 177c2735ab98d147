#include "http/server/listener.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "http/handler.h"

namespace rr::http::server {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

error_code errno_code(int e) {
    return error_code(e, boost::system::system_category());
}

asio::ip::address resolve_host(asio::io_context& ioc, const std::string& host, error_code& ec) {
    std::string h = host;
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    if (h.empty()) return asio::ip::address_v4::any();
    if (h == "localhost") return asio::ip::address_v4::loopback();
    auto addr = asio::ip::make_address(h, ec);
    if (!ec) return addr;
    ec.clear();
    asio::ip::tcp::resolver resolver(ioc);
    auto results = resolver.resolve(h, "", ec);
    if (ec || results.empty()) {
        if (!ec) ec = make_error_code(rr::errc::kHttpBadRequest);
        return {};
    }
    return results.begin()->endpoint().address();
}

/// What is at a unix socket path that exists: someone accepting on it, or a stale file.
enum class SocketProbe { kStale, kLive, kError };

SocketProbe probe_unix_socket(const std::string& path, int& err) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err = errno;
        return SocketProbe::kError;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    err = rc == 0 ? 0 : errno;
    ::close(fd);
    if (rc == 0) return SocketProbe::kLive;
    // Nobody listening: refused. A socket file whose listener died also reports ECONNREFUSED.
    if (err == ECONNREFUSED) return SocketProbe::kStale;
    return SocketProbe::kError;
}

}  // namespace

Listener::Listener(asio::io_context& ioc, ListenerSettings settings)
    : settings_(std::move(settings)), acceptor_(ioc.get_executor()) {}

Listener::~Listener() {
    close();
}

void Listener::own_handler(std::unique_ptr<Handler> h) noexcept {
    own_handler_ = std::move(h);
    handler_ = own_handler_.get();
}

std::unique_ptr<Listener> Listener::open(asio::io_context& ioc, const ListenerSettings& settings,
                                         error_code& ec, std::string& detail) {
    std::unique_ptr<Listener> l(new Listener(ioc, settings));
    ec = l->is_unix() ? l->open_unix(detail) : l->open_tcp(ioc, detail);
    if (ec) {
        if (detail.empty()) {
            detail = fmt::format("{}: {}: {}", settings.config_key, l->address(), ec.message());
        }
        l->close();
        return nullptr;
    }
    return l;
}

error_code Listener::open_tcp(asio::io_context& ioc, std::string& /*detail*/) {
    error_code ec;
    auto addr = resolve_host(ioc, settings_.host, ec);
    if (ec) return ec;
    const asio::ip::tcp::endpoint ep(addr, settings_.port);
    acceptor_.open(Protocol(ep.protocol().family(), IPPROTO_TCP), ec);
    if (ec) return ec;
    const int fd = acceptor_.native_handle();
    const int one = 1;
    const int zero = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (settings_.reuse_port) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    // "::" serves IPv4 too, as Go does.
    if (addr.is_v6()) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    acceptor_.bind(Protocol::endpoint(ep.data(), ep.size()), ec);
    if (ec) return ec;
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ec;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
        asio::ip::tcp::endpoint bound;
        std::memcpy(bound.data(), &ss, std::min<std::size_t>(len, bound.capacity()));
        tcp_endpoint_ = bound;
    }
    return {};
}

error_code Listener::open_unix(std::string& detail) {
    const std::string& path = settings_.path;
    const std::string& key = settings_.config_key;
    if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path)) {
        detail = fmt::format("{}: unix socket path must be 1..{} bytes long: '{}'", key,
                             sizeof(sockaddr_un::sun_path) - 1, path);
        return errno_code(ENAMETOOLONG);
    }
    const bool abstract = path.front() == '@';  // Linux abstract namespace: no file
    if (!abstract) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0) {
            if (!S_ISSOCK(st.st_mode)) {
                detail = fmt::format(
                    "{}: {} exists and is not a unix socket; refusing to replace it", key, path);
                return errno_code(EEXIST);
            }
            int err = 0;
            switch (probe_unix_socket(path, err)) {
                case SocketProbe::kLive:
                    detail = fmt::format(
                        "{}: {}: address already in use (another process accepts on it)", key,
                        path);
                    return errno_code(EADDRINUSE);
                case SocketProbe::kError:
                    detail = fmt::format("{}: {}: cannot check the existing socket: {}", key, path,
                                         std::strerror(err));
                    return errno_code(err);
                case SocketProbe::kStale:
                    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
                        const int e = errno;
                        detail = fmt::format("{}: {}: cannot remove the stale socket: {}", key,
                                             path, std::strerror(e));
                        return errno_code(e);
                    }
                    break;
            }
        } else if (errno != ENOENT) {
            const int e = errno;
            detail = fmt::format("{}: {}: {}", key, path, std::strerror(e));
            return errno_code(e);
        }
    }
    error_code ec;
    acceptor_.open(Protocol(AF_UNIX, 0), ec);
    if (ec) return ec;
    const int fd = acceptor_.native_handle();
    const mode_t mode = static_cast<mode_t>(settings_.unix_mode & 0777);
    // Linux creates the file with the socket inode's mode minus the umask: never wider than
    // `mode`. The exact mode is set before listen(), i.e. before anyone can connect.
    if (!abstract) ::fchmod(fd, mode);
    std::string name = path;
    if (abstract) name.front() = '\0';
    asio::local::stream_protocol::endpoint ep(name);
    acceptor_.bind(Protocol::endpoint(ep.data(), ep.size()), ec);
    if (ec) return ec;
    if (!abstract) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0) {
            unix_file_ours_ = true;
            unix_dev_ = st.st_dev;
            unix_ino_ = st.st_ino;
        }
        if (::chmod(path.c_str(), mode) != 0) {
            const int e = errno;
            detail = fmt::format("{}: {}: cannot set mode {:04o}: {}", key, path, mode,
                                 std::strerror(e));
            return errno_code(e);
        }
    }
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    return ec;
}

asio::ip::tcp::endpoint Listener::tcp_endpoint() const {
    return tcp_endpoint_;
}

std::string Listener::address() const {
    if (is_unix()) return "unix://" + settings_.path;
    const auto& a = tcp_endpoint_.address();
    if (tcp_endpoint_.port() == 0) {
        return fmt::format("{}:{}", settings_.host, settings_.port);
    }
    return a.is_v6() ? fmt::format("[{}]:{}", a.to_string(), tcp_endpoint_.port())
                     : fmt::format("{}:{}", a.to_string(), tcp_endpoint_.port());
}

void Listener::close() noexcept {
    error_code ec;
    if (acceptor_.is_open()) acceptor_.close(ec);
    if (unix_file_ours_) {
        unix_file_ours_ = false;
        // Only if the path still names the socket we created (not a file put there since).
        struct stat st {};
        if (::lstat(settings_.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) &&
            st.st_dev == unix_dev_ && st.st_ino == unix_ino_) {
            ::unlink(settings_.path.c_str());
        }
    }
}

}  // namespace rr::http::server
