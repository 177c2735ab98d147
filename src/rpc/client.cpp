#include "rpc/client.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "protocol/frame.h"
#include "rpc/json.h"

namespace rr::rpc {

namespace {

using Clock = std::chrono::steady_clock;
using Kind = ClientError::Kind;

/// strerror() with a lower-case first letter, to sit inside a sentence.
std::string errno_text(int e) {
    std::string s = std::strerror(e);
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') {
        s[0] = static_cast<char>(s[0] - 'A' + 'a');
    }
    return s;
}

int remaining_ms(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    return left > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left);
}

/// Waits for `events` on fd until the deadline: 1 ready, 0 timeout, -1 error (errno set).
int wait_fd(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int rc = ::poll(&p, 1, remaining_ms(deadline));
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return -1;
        if (rc == 0) return Clock::now() >= deadline ? 0 : 1;  // re-check by the caller
        return 1;
    }
}

struct ConnectOutcome {
    int fd = -1;
    int error = 0;  ///< errno when fd < 0; ETIMEDOUT for the deadline
};

/// Non-blocking connect to one address, finished within the deadline.
ConnectOutcome connect_one(int family, int protocol, const sockaddr* addr, socklen_t len,
                           Clock::time_point deadline) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
    if (fd < 0) return {-1, errno};
    for (;;) {
        if (::connect(fd, addr, len) == 0) return {fd, 0};
        const int e = errno;
        if (e == EINTR) continue;
        if (e == EAGAIN && family == AF_UNIX) {
            // The server's backlog is full: try again shortly, until the deadline.
            if (remaining_ms(deadline) == 0) {
                ::close(fd);
                return {-1, ETIMEDOUT};
            }
            ::poll(nullptr, 0, std::min(10, remaining_ms(deadline)));
            continue;
        }
        if (e != EINPROGRESS) {
            ::close(fd);
            return {-1, e};
        }
        break;
    }
    for (;;) {
        const int ready = wait_fd(fd, POLLOUT, deadline);
        if (ready == 0) {
            ::close(fd);
            return {-1, ETIMEDOUT};
        }
        if (ready < 0) {
            const int e = errno;
            ::close(fd);
            return {-1, e};
        }
        int err = 0;
        socklen_t err_len = sizeof(err);
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) err = errno;
        if (err == 0) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, 0) == 1) return {fd, 0};
            continue;  // woken early; wait again
        }
        ::close(fd);
        return {-1, err};
    }
}

}  // namespace

Expected<Client, ClientError> Client::connect(const Endpoint& endpoint, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    const std::string where = endpoint.to_string();
    auto failure = [&](int e) {
        if (e == ETIMEDOUT) {
            return Expected<Client, ClientError>::failure(
                {Kind::kTimeout, fmt::format("cannot connect to RPC at {}: no answer within {}ms",
                                             where, timeout.count())});
        }
        const bool not_running = e == ECONNREFUSED || e == ENOENT;
        return Expected<Client, ClientError>::failure(
            {Kind::kConnect, fmt::format("cannot connect to RPC at {}: {}{}", where, errno_text(e),
                                         not_running ? "; is the server running?" : "")});
    };

    if (endpoint.kind == Endpoint::Kind::kUnix) {
        sockaddr_un addr{};
        if (endpoint.path.empty() || endpoint.path.size() >= sizeof(addr.sun_path)) {
            return failure(ENAMETOOLONG);
        }
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, endpoint.path.c_str(), endpoint.path.size() + 1);
        const auto r = connect_one(AF_UNIX, 0, reinterpret_cast<const sockaddr*>(&addr),
                                   sizeof(addr), deadline);
        if (r.fd < 0) return failure(r.error);
        return Client(endpoint, r.fd);
    }

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* list = nullptr;
    const std::string host = endpoint.host.empty() ? "127.0.0.1" : endpoint.host;
    const std::string port = std::to_string(endpoint.port);
    if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &list); rc != 0) {
        return Expected<Client, ClientError>::failure(
            {Kind::kConnect,
             fmt::format("cannot connect to RPC at {}: {}", where, ::gai_strerror(rc))});
    }
    int last_error = ECONNREFUSED;
    for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
        const auto r =
            connect_one(ai->ai_family, ai->ai_protocol, ai->ai_addr, ai->ai_addrlen, deadline);
        if (r.fd >= 0) {
            ::freeaddrinfo(list);
            const int one = 1;
            ::setsockopt(r.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            return Client(endpoint, r.fd);
        }
        last_error = r.error;
        if (last_error == ETIMEDOUT) break;
    }
    ::freeaddrinfo(list);
    return failure(last_error);
}

Client::Client(Client&& other) noexcept
    : endpoint_(std::move(other.endpoint_)),
      fd_(std::exchange(other.fd_, -1)),
      seq_(other.seq_),
      max_reply_size_(other.max_reply_size_) {}

Client& Client::operator=(Client&& other) noexcept {
    if (this != &other) {
        close();
        endpoint_ = std::move(other.endpoint_);
        fd_ = std::exchange(other.fd_, -1);
        seq_ = other.seq_;
        max_reply_size_ = other.max_reply_size_;
    }
    return *this;
}

Client::~Client() {
    close();
}

void Client::close() noexcept {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

ClientError Client::fail(ClientError::Kind kind, std::string message) {
    close();
    return {kind, std::move(message)};
}

Expected<std::string, ClientError> Client::call_raw(std::string_view method, Codec codec,
                                                    std::string_view body, Millis timeout) {
    using Result = Expected<std::string, ClientError>;
    const std::string where = endpoint_.to_string();
    if (fd_ < 0) {
        return Result::failure(
            {Kind::kClosed, fmt::format("the RPC connection to {} is closed", where)});
    }
    const auto deadline = Clock::now() + timeout;
    const std::uint32_t seq = ++seq_;
    auto frame = encode_message(static_cast<std::uint8_t>(codec), seq, method, body);
    if (!frame) {
        return Result::failure(
            {Kind::kProtocol, fmt::format("RPC call {}: the argument is too large", method)});
    }
    auto timed_out = [&] {
        return Result::failure(
            fail(Kind::kTimeout, fmt::format("RPC call {} to {}: no reply within {}ms", method,
                                             where, timeout.count())));
    };
    auto closed = [&](int e) {
        return Result::failure(
            fail(Kind::kClosed,
                 e == 0 ? fmt::format("RPC call {}: {} closed the connection", method, where)
                        : fmt::format("RPC call {} to {}: {}", method, where, errno_text(e))));
    };

    // Send the whole request.
    const std::string& out = frame.value();
    std::size_t sent = 0;
    while (sent < out.size()) {
        const ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            const int ready = wait_fd(fd_, POLLOUT, deadline);
            if (ready == 0) return timed_out();
            if (ready < 0) return closed(errno);
            continue;
        }
        return closed(n < 0 ? errno : 0);
    }

    // Read exactly `size` bytes into `dst`.
    auto receive = [&](char* dst, std::size_t size) -> int {  // 1 ok, 0 timeout, -1 closed
        std::size_t got = 0;
        while (got < size) {
            const ssize_t n = ::recv(fd_, dst + got, size - got, 0);
            if (n > 0) {
                got += static_cast<std::size_t>(n);
                continue;
            }
            if (n == 0) {
                errno = 0;
                return -1;
            }
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
            const int ready = wait_fd(fd_, POLLIN, deadline);
            if (ready == 0) return 0;
            if (ready < 0) return -1;
        }
        return 1;
    };

    std::string in(protocol::kHeaderSize, '\0');
    if (const int r = receive(in.data(), in.size()); r <= 0) {
        return r == 0 ? timed_out() : closed(errno);
    }
    const auto header = protocol::decode_header(
        {reinterpret_cast<const std::byte*>(in.data()), in.size()}, max_reply_size_);
    if (!header) {
        return Result::failure(
            fail(Kind::kProtocol, fmt::format("RPC call {}: invalid reply from {}: {}", method,
                                              where, header.error().message())));
    }
    in.resize(protocol::kHeaderSize + header.value().rest_size());
    if (const int r = receive(in.data() + protocol::kHeaderSize, header.value().rest_size());
        r <= 0) {
        return r == 0 ? timed_out() : closed(errno);
    }
    const auto message = decode_message_frame(
        {reinterpret_cast<const std::byte*>(in.data()), in.size()}, max_reply_size_);
    if (!message) {
        return Result::failure(
            fail(Kind::kProtocol, fmt::format("RPC call {}: invalid reply from {}: {}", method,
                                              where, message.error().message())));
    }
    const Message& m = message.value();
    if (m.seq != seq) {
        return Result::failure(
            fail(Kind::kProtocol,
                 fmt::format("RPC call {}: reply sequence mismatch from {} (sent {}, got {})",
                             method, where, seq, m.seq)));
    }
    if (m.is_error()) {
        return Result::failure({Kind::kService, std::string(m.body)});
    }
    return std::string(m.body);
}

Expected<nlohmann::json, ClientError> Client::call(std::string_view method,
                                                   const nlohmann::json& argument, Millis timeout) {
    using Result = Expected<nlohmann::json, ClientError>;
    auto body = call_raw(method, Codec::kJson, dump_json(argument), timeout);
    if (!body) {
        return Result::failure(std::move(body).error());
    }
    if (body.value().empty()) {
        return nlohmann::json(nullptr);
    }
    auto parsed = nlohmann::json::parse(body.value(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
        return Result::failure(
            {Kind::kProtocol, fmt::format("RPC call {}: the reply from {} is not JSON", method,
                                          endpoint_.to_string())});
    }
    return parsed;
}

}  // namespace rr::rpc
