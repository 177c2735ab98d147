#pragma once
// The HTTP/2 session: one connection's h2::Core driven over a byte stream (plain for h2c, TLS
// with ALPN h2). A server::Connection (the sweep expires it, stop() sends GOAWAY). Each request
// stream runs the Handler in its own coroutine with a per-stream Request body source and
// ResponseWriter, so many streams of one connection are served at once (each its own worker
// job); at most max_concurrent_streams handlers run per connection, further complete requests
// wait in order (a client that resets streams cannot make more run: CVE-2023-44487).
//
// Writes: frames are produced from the core and sent with one non-blocking write when the
// socket takes them; only a full socket starts a writer coroutine. A stream's writer call
// returns once nghttp2 has taken its bytes (flow control permitting), so a large body is never
// buffered whole; a stream that cannot send for write_timeout (zero window) is reset and its
// handler sees client_gone.
//
// Executor: the server's io_context thread.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/page_buffer.h"
#include "http/h2/core.h"
#include "http/handler.h"
#include "http/request_context.h"
#include "http/server/connection.h"
#include "http/server/handover.h"

namespace rr::http::h2 {

namespace asio = boost::asio;
using server::Clock;
using error_code = boost::system::error_code;

template <class Stream>
class Session final : public server::Connection, private Core::Listener {
public:
    /// `conn` and `handler` must outlive the session (the caller's frame holds `conn`).
    /// `handover` (null for ALPN h2): bytes (and for
    /// Upgrade, the request of stream 1) from an HTTP/1.1 session; empty for ALPN h2.
    Session(std::shared_ptr<server::ServerState> state, Stream stream, const ConnectionInfo& conn,
            Handler& handler, std::unique_ptr<server::Handover> handover);
    ~Session() override;

    /// Serves the connection until it ends. Never throws.
    asio::awaitable<void> run();

    // --- server::Connection ---
    void expire() noexcept override;
    void stop(bool hard) noexcept override;
    void park_if_idle(Clock::time_point idle_before) noexcept override;

private:
    class StreamIo;
    friend class StreamIo;

    // --- Core::Listener ---
    void on_request(StreamState& s) override;
    void on_stream_update(StreamState& s) override;

    asio::awaitable<void> serve();
    /// Starts queued requests while fewer than max_concurrent_streams handlers run.
    void dispatch();
    asio::awaitable<void> run_stream(StreamIo* io);
    /// Sends what the core has to send: at once if the socket takes it, else by the writer.
    void flush();
    asio::awaitable<void> writer();
    /// The connection is gone: every stream's handler sees client_gone.
    void fail_connection() noexcept;
    void update_deadline() noexcept;
    void answer_refused(StreamState& s);

    Stream stream_;
    const ConnectionInfo& conn_;
    Handler& handler_;
    Limits limits_;
    Core core_;
    std::unique_ptr<server::Handover> handover_;  // until serve() has used it

    std::deque<StreamState*> queue_;  // complete requests waiting for a handler slot
    std::vector<StreamIo*> running_;  // handlers in progress (owned by their coroutines)
    std::vector<std::unique_ptr<RequestScratch>> free_scratch_;

    /// Not zero-filled; its pages go back while the connection is idle (park_if_idle), with
    /// the read into it still pending.
    PageBuffer read_buf_;
    bool released_ = false;  // idle memory released; the read loop clears it
    std::string out_;        // frames being sent
    std::size_t out_sent_ = 0;
    bool writing_ = false;  // the writer coroutine owns out_
    bool dead_ = false;
    bool stopping_ = false;
    bool timed_out_ = false;
    Clock::time_point last_activity_{};
    server::Timer wake_;  // run() waits on it for the writer and the handlers to finish
};

}  // namespace rr::http::h2
