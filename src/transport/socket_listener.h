#pragma once
// SocketListener: the server side of the tcp:// and unix:// relays (PROTOCOL.md §2.1).
// The server listens once; every spawned worker connects; each accepted connection gets the PID
// handshake at once and is parked under the PID the worker reported until the spawner that
// started that PID takes it. A failed handshake drops only that connection (upstream stops
// accepting altogether, which we do not copy).
//
// Thread safety / executor: io_context thread only. Create with listen(); call close() before
// dropping the last reference (the accept loop holds one until the acceptor is closed).
// Errors of listen(): the bind/listen error_code (errno values), or
// errc::kHandshakeFailed for an address that is neither tcp://host:port nor unix://path.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "transport/async_event.h"
#include "transport/relay.h"
#include "transport/types.h"

namespace rr::transport {

class SocketListener : public std::enable_shared_from_this<SocketListener> {
public:
    /// Binds `address` ("tcp://host:port", port 0 allowed; "unix://path", an existing file is
    /// unlinked first) and starts accepting. `handshake_timeout` bounds each PID handshake.
    static Result<std::shared_ptr<SocketListener>> listen(Executor ex, std::string_view address,
                                                          Duration handshake_timeout);

    /// The address workers must connect to (the bound port filled in): goes into RR_RELAY.
    const std::string& address() const noexcept { return address_; }

    /// A connection whose worker answered the handshake.
    struct Connected {
        std::unique_ptr<Relay> relay;
        std::vector<std::string> codecs;  ///< advertised in the PID reply (may be empty)
    };

    /// Waits until the worker with `pid` has connected and answered the handshake.
    /// `alive` is polled every 10 ms; when it returns false the wait ends with kWorkerExited.
    /// Errors: kHandshakeTimeout at `deadline`, kWorkerExited, kPoolStopped after close().
    Awaitable<Result<Connected>> take(int pid, TimePoint deadline, std::function<bool()> alive);

    /// Stops accepting, drops parked connections, unlinks the unix socket file.
    void close() noexcept;

    /// Number of handshaken connections nobody has taken yet (tests).
    std::size_t parked() const noexcept { return parked_.size(); }

    using Tcp = asio::ip::tcp;
    using Local = asio::local::stream_protocol;
    SocketListener(Executor ex, Duration handshake_timeout);

private:
    /// Accepts until close(): TCP or Unix (TCP sockets get TCP_NODELAY).
    template <class Protocol>
    Awaitable<void> accept_loop(asio::basic_socket_acceptor<Protocol, Executor>& acc);
    Awaitable<void> handshake_one(UniqueFd fd);

    Executor ex_;
    Duration handshake_timeout_;
    std::string address_;
    std::string unix_path_;
    std::optional<asio::basic_socket_acceptor<Tcp, Executor>> tcp_;
    std::optional<asio::basic_socket_acceptor<Local, Executor>> unix_;
    std::unordered_map<int, Connected> parked_;
    AsyncEvent arrived_;
    bool closed_ = false;
};

}  // namespace rr::transport
