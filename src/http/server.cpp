#include "http/server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/connection.h"
#include "http/response_head.h"

namespace rr::http {

namespace asio = boost::asio;
using detail::Clock;
using detail::Connection;
using detail::ServerState;
using detail::Socket;

namespace {

spdlog::logger& logger(const std::shared_ptr<spdlog::logger>& l) {
    return l ? *l : *spdlog::default_logger();
}

/// The sweep period: a quarter of the shortest timeout, between 5 ms and 1 s.
Clock::duration sweep_interval(const ServerSettings& s) {
    Clock::duration shortest = std::chrono::seconds(1);
    for (auto d :
         {s.header_timeout, s.read_timeout, s.write_timeout, s.idle_timeout, s.linger_timeout}) {
        if (d.count() > 0) shortest = std::min(shortest, d);
    }
    return std::clamp<Clock::duration>(shortest / 4, std::chrono::milliseconds(5),
                                       std::chrono::seconds(1));
}

asio::awaitable<void> run_connection(std::shared_ptr<ServerState> state, Socket socket) {
    Connection conn(std::move(state), std::move(socket));
    co_await conn.run();
}

void refuse(Socket& socket, const std::string& date) {
    // Best effort, never blocks: the socket is new, so its send buffer is empty.
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    std::string resp = make_error_response(503, true, date);
    socket.send(asio::buffer(resp), 0, ec);
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket.close(ec);
}

asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> state) {
    auto& acceptor = *state->acceptor;
    detail::Timer backoff(state->ioc.get_executor());
    for (;;) {
        Socket socket(state->ioc.get_executor());
        boost::system::error_code ec;
        co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
        if (state->stopping || !acceptor.is_open()) co_return;
        if (ec) {
            // EMFILE and friends: wait a little instead of spinning.
            logger(state->log).warn("http: accept failed: {}", ec.message());
            backoff.expires_after(std::chrono::milliseconds(50));
            co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        const auto cap = state->settings.max_connections;
        if (cap != 0 && state->connections.size() >= cap) {
            logger(state->log).warn("http: connection limit {} reached, refusing a client", cap);
            refuse(socket, state->date());
            continue;
        }
        asio::co_spawn(state->ioc.get_executor(), run_connection(state, std::move(socket)),
                       asio::detached);
    }
}

asio::awaitable<void> sweep_loop(std::shared_ptr<ServerState> state) {
    auto& timer = *state->sweep_timer;
    const auto interval = sweep_interval(state->settings);
    for (;;) {
        timer.expires_after(interval);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (state->stopping && state->connections.empty()) co_return;
        const auto now = Clock::now();
        // expire() only cancels I/O; connections leave the list from their own coroutines.
        for (Connection* c : state->connections) {
            if (c->deadline() <= now) c->expire();
        }
    }
}

asio::ip::address resolve_host(asio::io_context& ioc, const std::string& host,
                               boost::system::error_code& ec) {
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

}  // namespace

Server::Server(asio::io_context& ioc, ServerSettings settings, Handler& handler,
               std::shared_ptr<spdlog::logger> log)
    : state_(std::make_shared<ServerState>(ioc, std::move(settings), handler, std::move(log))) {}

Server::~Server() {
    close_all();
}

boost::system::error_code Server::start() {
    boost::system::error_code ec;
    auto& s = state_->settings;
    auto addr = resolve_host(state_->ioc, s.host, ec);
    if (ec) return ec;
    asio::ip::tcp::endpoint ep(addr, s.port);
    state_->acceptor.emplace(state_->ioc.get_executor());
    auto& acc = *state_->acceptor;
    acc.open(ep.protocol(), ec);
    if (ec) return ec;
    acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (s.reuse_port) {
        int one = 1;
        ::setsockopt(acc.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    }
    if (ep.protocol() == asio::ip::tcp::v6()) {
        acc.set_option(asio::ip::v6_only(false), ec);  // "::" serves IPv4 too, as Go does
        ec.clear();
    }
    acc.bind(ep, ec);
    if (ec) return ec;
    acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ec;
    state_->sweep_timer.emplace(state_->ioc.get_executor());
    asio::co_spawn(state_->ioc.get_executor(), accept_loop(state_), asio::detached);
    asio::co_spawn(state_->ioc.get_executor(), sweep_loop(state_), asio::detached);
    logger(state_->log)
        .debug("http: listening on {}:{}", ep.address().to_string(), local_endpoint().port());
    return {};
}

asio::ip::tcp::endpoint Server::local_endpoint() const {
    boost::system::error_code ec;
    if (!state_->acceptor) return {};
    return state_->acceptor->local_endpoint(ec);
}

void Server::stop() {
    state_->stopping = true;
    boost::system::error_code ec;
    if (state_->acceptor) state_->acceptor->close(ec);
    // Copy: a connection may leave the list while we walk it only from its own coroutine, which
    // cannot run during this loop (same thread), but keep the walk independent of that.
    std::vector<Connection*> conns(state_->connections.begin(), state_->connections.end());
    for (Connection* c : conns) c->stop(false);
}

void Server::close_all() {
    state_->stopping = true;
    boost::system::error_code ec;
    if (state_->acceptor) state_->acceptor->close(ec);
    if (state_->sweep_timer) state_->sweep_timer->cancel();
    std::vector<Connection*> conns(state_->connections.begin(), state_->connections.end());
    for (Connection* c : conns) c->stop(true);
}

void Server::on_drained(std::function<void()> callback) {
    if (state_->stopping && state_->connections.empty()) {
        callback();
        return;
    }
    state_->drained.push_back(std::move(callback));
}

std::size_t Server::connection_count() const noexcept {
    return state_->connections.size();
}

}  // namespace rr::http
