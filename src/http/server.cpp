#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "http/server/connection.h"
#include "http/server/listener.h"
#include "http/server/redirect.h"
#include "http/server/serve.h"

namespace rr::http {

namespace asio = boost::asio;
using server::Connection;
using server::Listener;
using server::ServerState;

namespace {

std::vector<ListenerSettings> listener_list(const ServerSettings& s) {
    if (!s.listeners.empty()) return s.listeners;
    ListenerSettings l;
    l.host = s.host;
    l.port = s.port;
    l.reuse_port = s.reuse_port;
    return {l};
}

void close_listeners(ServerState& state) {
    for (auto& l : state.listeners) l->close();
}

}  // namespace

Server::Server(asio::io_context& ioc, ServerSettings settings, Handler& handler,
               std::shared_ptr<spdlog::logger> log)
    : state_(std::make_shared<ServerState>(ioc, std::move(settings), handler, std::move(log))) {}

Server::~Server() {
    close_all();
}

boost::system::error_code Server::start(std::string* detail) {
    boost::system::error_code ec;
    std::string text;
    for (const auto& ls : listener_list(state_->settings)) {
        auto l = Listener::open(state_->ioc, ls, ec, text);
        if (!l) {
            close_listeners(*state_);
            state_->listeners.clear();
            if (detail) *detail = std::move(text);
            return ec;
        }
        if (ls.redirect_to_https && !ls.tls) {
            l->own_handler(
                std::make_unique<server::RedirectHandler>(state_->handler, ls.https_port));
        } else {
            l->set_handler(state_->handler);
        }
        state_->listeners.push_back(std::move(l));
    }
    state_->sweep_timer.emplace(state_->ioc.get_executor());
    for (auto& l : state_->listeners) {
        asio::co_spawn(state_->ioc.get_executor(), server::accept_loop(state_, *l), asio::detached);
        state_->logger().debug("http: listening on {}", l->address());
    }
    asio::co_spawn(state_->ioc.get_executor(), server::sweep_loop(state_), asio::detached);
    return {};
}

asio::ip::tcp::endpoint Server::local_endpoint() const {
    for (const auto& l : state_->listeners) {
        if (!l->is_unix()) return l->tcp_endpoint();
    }
    return {};
}

std::vector<std::string> Server::addresses() const {
    std::vector<std::string> out;
    for (const auto& l : state_->listeners) out.push_back(l->address());
    return out;
}

std::vector<asio::ip::tcp::endpoint> Server::tcp_endpoints() const {
    std::vector<asio::ip::tcp::endpoint> out;
    for (const auto& l : state_->listeners) {
        out.push_back(l->is_unix() ? asio::ip::tcp::endpoint() : l->tcp_endpoint());
    }
    return out;
}

void Server::stop() {
    state_->stopping = true;
    close_listeners(*state_);
    // Copy: a connection leaves the list only from its own coroutine, which cannot run during
    // this loop (same thread), but keep the walk independent of that.
    std::vector<Connection*> conns(state_->connections.begin(), state_->connections.end());
    for (Connection* c : conns) c->stop(false);
}

void Server::close_all() {
    state_->stopping = true;
    close_listeners(*state_);
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

std::size_t Server::parked_count() const noexcept {
    return state_->parked;
}

}  // namespace rr::http
