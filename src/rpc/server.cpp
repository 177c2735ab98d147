#include "rpc/server.h"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "rpc/server_state.h"
#include "rpc/unix_socket.h"

namespace rr::rpc {

namespace detail {

namespace {

/// Pause after an accept error such as EMFILE, so the loop does not spin.
constexpr auto kAcceptErrorPause = std::chrono::milliseconds(50);

}  // namespace

ServerState::ServerState(asio::io_context& io, ServerOptions opts,
                         std::shared_ptr<spdlog::logger> logger)
    : ex(io.get_executor()),
      options(opts),
      log(logger ? std::move(logger) : spdlog::default_logger()),
      connection_closed(ex),
      stop_timer(ex) {
    options.max_in_flight = std::max<std::size_t>(options.max_in_flight, 1);
    options.max_connections = std::max<std::size_t>(options.max_connections, 1);
}

template <class Acceptor>
Awaitable<void> ServerState::accept_loop(std::shared_ptr<ServerState> self, Acceptor& acceptor,
                                         int family, int protocol) {
    for (;;) {
        while (connections.size() >= options.max_connections && !stopping) {
            co_await connection_closed.wait_until(TimePoint::max());
        }
        if (stopping) {
            co_return;
        }
        typename Acceptor::protocol_type::socket accepted(ex);
        boost::system::error_code ec;
        co_await acceptor.async_accept(accepted, asio::redirect_error(asio::use_awaitable, ec));
        if (stopping) {
            co_return;
        }
        if (ec) {
            if (ec == asio::error::operation_aborted) {
                co_return;
            }
            log->warn("rpc: accept failed: {}", ec.message());
            transport::Timer pause(ex, Clock::now() + kAcceptErrorPause);
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (family != AF_UNIX) {
            accepted.set_option(asio::ip::tcp::no_delay(true), ec);
        }
        const int fd = accepted.release(ec);
        if (ec) {
            continue;
        }
        Socket socket(ex);
        socket.assign(asio::generic::stream_protocol(family, protocol), fd, ec);
        if (ec) {
            ::close(fd);
            continue;
        }
        auto connection = std::make_shared<Connection>(self, std::move(socket));
        connections.insert(connection.get());
        connection->start();
    }
}

void ServerState::connection_done(Connection* c, bool notify) noexcept {
    if (connections.erase(c) == 0 || !notify) {
        return;
    }
    connection_closed.notify_all();
    fire_stopped_if_done();
}

void ServerState::stop_accepting() noexcept {
    stopping = true;
    boost::system::error_code ignored;
    if (tcp) {
        tcp->close(ignored);
    }
    if (unix) {
        unix->close(ignored);
    }
    if (!unix_path.empty()) {
        remove_if_same(unix_path, unix_dev, unix_ino);
        unix_path.clear();
    }
    connection_closed.notify_all();
}

void ServerState::close_all() noexcept {
    // finish() erases from the set: iterate over a copy.
    const std::vector<Connection*> open(connections.begin(), connections.end());
    for (Connection* c : open) {
        if (connections.count(c) != 0) {
            c->close_now();
        }
    }
}

void ServerState::fire_stopped_if_done() {
    if (!stopping || !connections.empty() || on_stopped.empty()) {
        return;
    }
    stop_timer.cancel();
    auto callbacks = std::move(on_stopped);
    on_stopped.clear();
    for (auto& cb : callbacks) {
        asio::post(ex, std::move(cb));
    }
}

}  // namespace detail

namespace {

using detail::Clock;

/// open + bind + (chmod) + listen, stopping at the first error.
template <class Acceptor, class Endpoint, class BeforeListen>
boost::system::error_code open_bind_listen(Acceptor& acc, const Endpoint& ep, bool reuse_address,
                                           BeforeListen before_listen) {
    boost::system::error_code ec;
    acc.open(ep.protocol(), ec);
    if (!ec && reuse_address) {
        acc.set_option(boost::asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acc.bind(ep, ec);
    }
    if (!ec) {
        ec = before_listen();
    }
    if (!ec) {
        acc.listen(boost::asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        boost::system::error_code ignored;
        acc.close(ignored);
    }
    return ec;
}

}  // namespace

Server::Server(boost::asio::io_context& io, ServerOptions options,
               std::shared_ptr<spdlog::logger> log)
    : state_(std::make_shared<detail::ServerState>(io, options, std::move(log))) {}

Server::~Server() {
    close();
}

MethodTable& Server::methods() noexcept {
    return state_->methods;
}

const Endpoint& Server::local_endpoint() const noexcept {
    return state_->local;
}

std::size_t Server::connection_count() const noexcept {
    return state_->connections.size();
}

std::size_t Server::calls_in_flight() const noexcept {
    std::size_t n = 0;
    for (const detail::Connection* c : state_->connections) n += c->pending();
    return n;
}

boost::system::error_code Server::start(const Endpoint& endpoint) {
    namespace asio = boost::asio;
    auto& st = *state_;
    boost::system::error_code ec;
    if (endpoint.kind == Endpoint::Kind::kUnix) {
        ec = detail::prepare_unix_socket_path(endpoint.path);
        if (ec) {
            return ec;
        }
        auto& acc = st.unix.emplace(st.ex);
        const auto mode = static_cast<mode_t>(st.options.unix_socket_mode & 07777u);
        bool bound = false;
        ec = open_bind_listen(acc, asio::local::stream_protocol::endpoint(endpoint.path), false,
                              [&]() -> boost::system::error_code {
                                  bound = true;
                                  // Before listen(): nobody can connect yet.
                                  if (::chmod(endpoint.path.c_str(), mode) != 0) {
                                      return {errno, boost::system::system_category()};
                                  }
                                  return {};
                              });
        if (ec) {
            st.unix.reset();
            if (bound) {
                ::unlink(endpoint.path.c_str());  // the socket file our bind() created
            }
            return ec;
        }
        st.unix_path = endpoint.path;
        detail::file_identity(endpoint.path, st.unix_dev, st.unix_ino);
        st.local = endpoint;
        asio::co_spawn(st.ex, st.accept_loop(state_, *st.unix, AF_UNIX, 0), asio::detached);
        return {};
    }

    asio::ip::tcp::endpoint ep;
    if (endpoint.host.empty()) {
        ep = asio::ip::tcp::endpoint(asio::ip::address_v4::any(), endpoint.port);
    } else {
        const auto ip = asio::ip::make_address(endpoint.host, ec);
        if (!ec) {
            ep = asio::ip::tcp::endpoint(ip, endpoint.port);
        } else {
            asio::ip::tcp::resolver resolver(st.ex);
            const auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port),
                                                  asio::ip::resolver_base::numeric_service, ec);
            if (ec) {
                return ec;
            }
            if (results.empty()) {
                return asio::error::host_not_found;
            }
            ep = results.begin()->endpoint();
        }
    }
    auto& acc = st.tcp.emplace(st.ex);
    ec = open_bind_listen(acc, ep, true, [] { return boost::system::error_code{}; });
    if (ec) {
        st.tcp.reset();
        return ec;
    }
    const auto bound = acc.local_endpoint(ec);
    if (ec) {
        return ec;
    }
    st.local = Endpoint::tcp(bound.address().to_string(), bound.port());
    asio::co_spawn(
        st.ex,
        st.accept_loop(state_, *st.tcp, bound.address().is_v6() ? AF_INET6 : AF_INET, IPPROTO_TCP),
        asio::detached);
    return {};
}

void Server::stop(std::chrono::steady_clock::time_point deadline, std::function<void()> done) {
    auto& st = *state_;
    if (done) {
        st.on_stopped.push_back(std::move(done));
    }
    const bool first = !st.stopping;
    st.stop_accepting();
    if (first || deadline < st.stop_timer.expiry()) {
        st.stop_timer.expires_at(deadline);
        st.stop_timer.async_wait([weak = std::weak_ptr<detail::ServerState>(state_)](
                                     const boost::system::error_code& ec) {
            if (ec == boost::asio::error::operation_aborted) {
                return;
            }
            if (auto s = weak.lock()) {
                s->log->debug("rpc: stop deadline reached, closing {} connection(s)",
                              s->connections.size());
                s->close_all();
            }
        });
    }
    if (first) {
        const std::vector<detail::Connection*> open(st.connections.begin(), st.connections.end());
        for (detail::Connection* c : open) {
            c->request_stop();
        }
    }
    st.fire_stopped_if_done();
}

void Server::close() {
    auto& st = *state_;
    st.stop_accepting();
    st.close_all();
    st.fire_stopped_if_done();
}

}  // namespace rr::rpc
