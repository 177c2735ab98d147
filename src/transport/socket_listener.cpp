#include "transport/socket_listener.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <type_traits>

#include "transport/handshake.h"

namespace rr::transport {

namespace {

constexpr auto kAlivePoll = std::chrono::milliseconds(10);

/// open + (SO_REUSEADDR) + bind + listen, stopping at the first error.
template <class Acceptor, class Endpoint>
boost::system::error_code open_and_listen(Acceptor& acc, const Endpoint& ep, bool reuse_address) {
    boost::system::error_code ec;
    acc.open(ep.protocol(), ec);
    if (!ec && reuse_address) {
        acc.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acc.bind(ep, ec);
    }
    if (!ec) {
        acc.listen(asio::socket_base::max_listen_connections, ec);
    }
    return ec;
}

}  // namespace

SocketListener::SocketListener(Executor ex, Duration handshake_timeout)
    : ex_(ex), handshake_timeout_(handshake_timeout), arrived_(ex) {}

Result<std::shared_ptr<SocketListener>> SocketListener::listen(Executor ex,
                                                               std::string_view address,
                                                               Duration handshake_timeout) {
    auto self = std::make_shared<SocketListener>(ex, handshake_timeout);
    boost::system::error_code ec;
    if (address.starts_with("tcp://")) {
        std::string_view hp = address.substr(6);
        auto colon = hp.rfind(':');
        if (colon == std::string_view::npos) {
            return make_error_code(errc::kHandshakeFailed);
        }
        std::string host(hp.substr(0, colon));
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
            host = host.substr(1, host.size() - 2);
        }
        if (host.empty()) {
            host = "0.0.0.0";
        }
        unsigned port = 0;
        auto portsv = hp.substr(colon + 1);
        auto [p, perr] = std::from_chars(portsv.data(), portsv.data() + portsv.size(), port);
        if (perr != std::errc{} || p != portsv.data() + portsv.size() || port > 65535) {
            return make_error_code(errc::kHandshakeFailed);
        }
        auto ip = asio::ip::make_address(host, ec);
        if (ec) {
            return ec;
        }
        Tcp::endpoint ep(ip, static_cast<unsigned short>(port));
        auto& acc = self->tcp_.emplace(ex);
        ec = open_and_listen(acc, ep, /*reuse_address=*/true);
        if (ec) {
            return ec;
        }
        auto local = acc.local_endpoint(ec);
        if (ec) {
            return ec;
        }
        std::string h = local.address().to_string();
        if (local.address().is_v6()) {
            h = "[" + h + "]";
        }
        self->address_ = "tcp://" + h + ":" + std::to_string(local.port());
        asio::co_spawn(
            ex, [self]() { return self->accept_loop(*self->tcp_); }, asio::detached);
        return self;
    }
    if (address.starts_with("unix://")) {
        std::string path(address.substr(7));
        if (path.empty()) {
            return make_error_code(errc::kHandshakeFailed);
        }
        ::unlink(path.c_str());
        auto& acc = self->unix_.emplace(ex);
        ec = open_and_listen(acc, Local::endpoint(path), /*reuse_address=*/false);
        if (ec) {
            return ec;
        }
        self->unix_path_ = path;
        self->address_ = "unix://" + path;
        asio::co_spawn(
            ex, [self]() { return self->accept_loop(*self->unix_); }, asio::detached);
        return self;
    }
    return make_error_code(errc::kHandshakeFailed);
}

template <class Protocol>
Awaitable<void> SocketListener::accept_loop(
    asio::basic_socket_acceptor<Protocol, Executor>& acc) {
    auto self = shared_from_this();
    while (!closed_) {
        boost::system::error_code ec;
        asio::basic_stream_socket<Protocol, Executor> sock(ex_);
        co_await acc.async_accept(sock, asio::redirect_error(asio::use_awaitable, ec));
        if (closed_ || ec == asio::error::operation_aborted) {
            break;
        }
        if (ec) {
            continue;  // e.g. EMFILE; keep accepting
        }
        if constexpr (std::is_same_v<Protocol, Tcp>) {
            sock.set_option(Tcp::no_delay(true), ec);
        }
        UniqueFd fd(sock.release(ec));
        asio::co_spawn(ex_, handshake_one(std::move(fd)), asio::detached);
    }
}

Awaitable<void> SocketListener::handshake_one(UniqueFd fd) {
    auto self = shared_from_this();
    if (!fd) {
        co_return;
    }
    auto relay = Relay::from_socket(ex_, std::move(fd));
    auto reply = co_await handshake(*relay, Clock::now() + handshake_timeout_);
    if (!reply || closed_ || reply.value().pid > 0x7fffffff) {
        co_return;  // dropped; the spawner of that worker times out or sees it exit
    }
    const int pid = static_cast<int>(reply.value().pid);
    parked_[pid] = Connected{std::move(relay), std::move(reply.value().codecs)};
    arrived_.notify_all();
}

Awaitable<Result<SocketListener::Connected>> SocketListener::take(int pid, TimePoint deadline,
                                                                 std::function<bool()> alive) {
    auto self = shared_from_this();
    for (;;) {
        if (closed_) {
            co_return make_error_code(errc::kPoolStopped);
        }
        if (auto it = parked_.find(pid); it != parked_.end()) {
            Connected connected = std::move(it->second);
            parked_.erase(it);
            co_return connected;
        }
        if (alive && !alive()) {
            co_return make_error_code(errc::kWorkerExited);
        }
        auto now = Clock::now();
        if (now >= deadline) {
            co_return make_error_code(errc::kHandshakeTimeout);
        }
        co_await arrived_.wait_until(std::min(deadline, now + kAlivePoll));
    }
}

void SocketListener::close() noexcept {
    if (closed_) {
        return;
    }
    closed_ = true;
    boost::system::error_code ignored;
    if (tcp_) {
        tcp_->close(ignored);
    }
    if (unix_) {
        unix_->close(ignored);
    }
    if (!unix_path_.empty()) {
        ::unlink(unix_path_.c_str());
    }
    parked_.clear();
    arrived_.notify_all();
}

}  // namespace rr::transport
