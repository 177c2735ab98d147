#include "http/server/serve.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>
#include <optional>

#include "http/h1/response_head.h"
#include "http/h1/session.h"
#include "http/h2/session.h"
#include "http/mapping.h"
#include "http/server/listener.h"
#include "http/server/plain_stream.h"
#include "http/server/tls_stream.h"

namespace rr::http::server {

namespace {

using boost::system::error_code;

/// Peer facts and socket options of a new connection. False when the peer is already gone.
bool prepare(Socket& socket, const Listener& listener, bool tls, ConnectionInfo& info) {
    error_code ec;
    // write_now() needs sends that fail with EAGAIN instead of blocking. Asio makes the
    // descriptor non-blocking for its first async operation anyway; its async operations work
    // the same in this mode.
    socket.non_blocking(true, ec);
    if (ec) return false;
    info.tls = tls;
    if (listener.is_unix()) {
        info.unix_socket = true;
        info.ip_text = std::string(kUnixPeerText);
        return true;
    }
    const int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(socket.native_handle(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
        return false;
    }
    asio::ip::tcp::endpoint peer;
    std::memcpy(peer.data(), &ss, std::min<std::size_t>(len, peer.capacity()));
    info.ip = peer.address();
    info.port = peer.port();
    info.ip_text = ip_to_string(info.ip);
    return true;
}

// Each protocol session runs in a coroutine frame of its own: a connection's frame then holds
// only the session it runs (an h2 session is several times an h1 one, and every idle keep-alive
// connection would carry the space of both). The caller awaits them at once, so they take its
// objects by reference (with a Handover prvalue taken by value, g++ 12 freed its strings twice).
template <class Stream>
asio::awaitable<void> run_h2(const std::shared_ptr<ServerState>& state, Stream& stream,
                             const ConnectionInfo& info, Handler& handler,
                             std::unique_ptr<Handover>& handover) {
    h2::Session<Stream> session(state, std::move(stream), info, handler, std::move(handover));
    co_await session.run();
}

asio::awaitable<void> run_h1_tls(const std::shared_ptr<ServerState>& state, TlsStream& stream,
                                 const ConnectionInfo& info, Handler& handler) {
    h1::Session<TlsStream> session(state, std::move(stream), info, handler);
    co_await session.run();
}

asio::awaitable<void> serve_plain(std::shared_ptr<ServerState> state, Listener& listener,
                                  Socket socket) {
    ConnectionInfo info;
    if (!prepare(socket, listener, state->settings.tls, info)) co_return;
    // Only what an idle h1 connection needs lives in this frame (it is most of that
    // connection's memory): the handover and the stream for HTTP/2 are on the heap.
    std::unique_ptr<Handover> handover;
    std::unique_ptr<PlainStream> h2_stream;
    {
        h1::Session<PlainStream> session(state, PlainStream(std::move(socket)), info,
                                         *listener.handler(), listener.settings().h2c);
        handover = co_await session.run();
        if (handover) h2_stream = std::make_unique<PlainStream>(session.take_stream());
    }
    if (!h2_stream) co_return;
    if (state->stopping) {
        h2_stream->close();
        co_return;
    }
    co_await run_h2(state, *h2_stream, info, *listener.handler(), handover);
}

/// The TLS handshake as a connection of its own: it holds a slot, has the handshake deadline,
/// and any server stop aborts it.
class HandshakeStage final : public Connection {
public:
    HandshakeStage(std::shared_ptr<ServerState> state, TlsStream& stream)
        : Connection(std::move(state)), stream_(stream) {
        set_deadline(state_->settings.tls_handshake_timeout);
    }
    void expire() noexcept override {
        timed_out_ = true;
        stream_.cancel();
    }
    void stop(bool /*hard*/) noexcept override { stream_.cancel(); }
    bool timed_out() const noexcept { return timed_out_; }

private:
    TlsStream& stream_;
    bool timed_out_ = false;
};

asio::awaitable<void> serve_tls(std::shared_ptr<ServerState> state, Listener& listener,
                                Socket socket) {
    ConnectionInfo info;
    if (!prepare(socket, listener, true, info)) co_return;
    TlsStream stream(std::move(socket), *listener.settings().tls);
    {
        HandshakeStage stage(state, stream);
        const error_code ec = co_await stream.handshake();
        if (ec) {
            state->logger().debug("http: tls handshake with {} failed: {}", info.ip_text,
                                  stage.timed_out()                 ? std::string("timed out")
                                  : stream.engine().error().empty() ? ec.message()
                                                                    : stream.engine().error());
            stream.close();
            co_return;
        }
    }
    if (state->stopping) {
        stream.close();
        co_return;
    }
    info.tls_facts = stream.engine().facts();
    if (info.tls_facts.alpn == "h2") {
        std::unique_ptr<Handover> none;
        co_await run_h2(state, stream, info, *listener.handler(), none);
    } else {
        co_await run_h1_tls(state, stream, info, *listener.handler());
    }
}

void refuse(Socket& socket, const std::string& date, bool tls) {
    // Best effort, never blocks: the socket is new, so its send buffer is empty. A TLS client
    // cannot read a plain answer: it is only closed.
    error_code ec;
    if (!tls) {
        socket.non_blocking(true, ec);
        std::string resp = h1::make_error_response(503, true, date);
        socket.send(asio::buffer(resp), 0, ec);
    }
    socket.shutdown(Socket::shutdown_both, ec);
    socket.close(ec);
}

}  // namespace

Clock::duration sweep_interval(const ServerSettings& s) {
    Clock::duration shortest = std::chrono::seconds(1);
    for (auto d : {s.header_timeout, s.read_timeout, s.write_timeout, s.idle_timeout,
                   s.linger_timeout, s.tls_handshake_timeout}) {
        if (d.count() > 0) shortest = std::min(shortest, d);
    }
    return std::clamp<Clock::duration>(shortest / 4, std::chrono::milliseconds(5),
                                       std::chrono::seconds(1));
}

asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> state, Listener& listener) {
    auto& acceptor = listener.acceptor();
    Timer backoff(state->ioc.get_executor());
    for (;;) {
        Socket socket(state->ioc.get_executor());
        error_code ec;
        co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
        if (state->stopping || !acceptor.is_open()) co_return;
        if (ec) {
            // EMFILE and friends: wait a little instead of spinning.
            state->logger().warn("http: accept failed: {}", ec.message());
            backoff.expires_after(std::chrono::milliseconds(50));
            co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        const auto cap = state->settings.max_connections;
        if (cap != 0 && state->connections.size() >= cap) {
            state->logger().warn("http: connection limit {} reached, refusing a client", cap);
            refuse(socket, state->date(), listener.settings().tls != nullptr);
            continue;
        }
        if (listener.settings().tls) {
            asio::co_spawn(state->ioc.get_executor(), serve_tls(state, listener, std::move(socket)),
                           asio::detached);
        } else {
            asio::co_spawn(state->ioc.get_executor(),
                           serve_plain(state, listener, std::move(socket)), asio::detached);
        }
    }
}

asio::awaitable<void> sweep_loop(std::shared_ptr<ServerState> state) {
    auto& timer = *state->sweep_timer;
    const auto interval = sweep_interval(state->settings);
    for (;;) {
        timer.expires_after(interval);
        error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (state->stopping && state->connections.empty()) co_return;
        const auto now = Clock::now();
        // expire() only cancels I/O; connections leave the list from their own coroutines.
        const auto idle_before = now - state->settings.park_idle_after;
        for (Connection* c : state->connections) {
            if (c->deadline() <= now) {
                c->expire();
            } else {
                c->park_if_idle(idle_before);
            }
        }
    }
}

}  // namespace rr::http::server
