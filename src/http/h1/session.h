#pragma once
// The HTTP/1.1 session: one connection's request loop over a byte stream (plain TCP, unix
// socket or TLS), with keep-alive, pipelining, body framing, 100-continue, the response writer
// and its deadlines (docs/http.md). It is a server::Connection (the sweep expires it, stop()
// ends it), the Request's BodySource and the Handler's ResponseWriter.
//
// A template over the stream type (server/plain_stream.h describes the concept), instantiated
// once per stream type in h1/session_*.cpp: the plain path keeps its direct socket calls.
//
// Executor: everything runs on the server's io_context thread.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/page_buffer.h"
#include "http/h1/chunked.h"
#include "http/h1/request_parser.h"
#include "http/handler.h"
#include "http/request_context.h"
#include "http/server/connection.h"
#include "http/server/handover.h"

namespace rr::http::h1 {

namespace asio = boost::asio;
using server::Clock;

template <class Stream>
class Session final : public server::Connection, public BodySource, public ResponseWriter {
public:
    /// `conn` describes the peer; it and `handler` must outlive the session (the caller's
    /// coroutine frame holds it: a copy would cost every idle connection its size again). `h2c`: a
    /// client may switch the connection to HTTP/2 (prior-knowledge preface as its first bytes,
    /// or `Upgrade: h2c` on a request without a body).
    Session(std::shared_ptr<server::ServerState> state, Stream stream, const ConnectionInfo& conn,
            Handler& handler, bool h2c = false);
    ~Session() override;

    /// Serves requests until the connection closes (null) or turns into HTTP/2: then the
    /// handover says how, and take_stream() gives the stream to the HTTP/2 session. Never
    /// throws.
    asio::awaitable<std::unique_ptr<server::Handover>> run();
    /// After run() returned a handover: the stream, still open.
    Stream take_stream() { return std::move(stream_); }

    // --- server::Connection ---
    void expire() noexcept override;
    void stop(bool hard) noexcept override;
    void park_if_idle(Clock::time_point idle_before) noexcept override;

    // --- BodySource ---
    asio::awaitable<Result<std::string_view>> read_body_some() override;
    bool body_complete() const noexcept override { return body_done_; }
    std::uint64_t body_bytes_read() const noexcept override { return body_bytes_; }

    // --- ResponseWriter ---
    asio::awaitable<error_code> send_interim(int status, const Fields& headers) override;
    asio::awaitable<error_code> send_response(int status, const Fields& headers,
                                              std::string_view body) override;
    asio::awaitable<error_code> send_response(int status,
                                              std::span<const protocol::HttpField> headers,
                                              std::string_view body) override;
    asio::awaitable<error_code> start_stream(int status, const Fields& headers,
                                             std::string_view first_chunk) override;
    asio::awaitable<error_code> send_chunk(std::string_view data) override;
    asio::awaitable<error_code> finish_stream(const Fields& headers) override;
    void update_trailers(const Fields& headers) override;
    /// A small file goes out with its head in one write; a larger one, on a stream that allows
    /// it (PlainStream::kSendfile), as the head then sendfile(2) from the page cache (no copy
    /// through user space); otherwise through ResponseWriter's bounded reads. No progress for
    /// write_timeout while the socket is full → kHttpTimeout.
    asio::awaitable<error_code> send_file(int status, const Fields& headers,
                                          FileRange file) override;
    bool head_sent() const noexcept override { return head_sent_; }
    bool response_complete() const noexcept override { return response_done_; }
    bool client_gone() const noexcept override { return client_gone_; }

private:
    enum class Phase { kIdle, kHead, kBody, kHandler, kWrite, kClosing };
    enum class BodyMode { kNone, kFixed, kChunked, kUntilClose };

    asio::awaitable<void> serve();
    /// `head` is moved into the Request and moved back after the handler (serve() reuses it);
    /// it lives in serve()'s frame, which awaits this call (taken by reference: a by-value
    /// coroutine parameter costs two more moves per request).
    asio::awaitable<bool> serve_one(RequestHead& head);
    /// `Upgrade: h2c` (with HTTP2-Settings) on a request without a body: answers 101 and fills
    /// handover_. False when the request does not ask for it (or cannot have it).
    asio::awaitable<bool> try_upgrade_h2c(RequestHead& head);
    asio::awaitable<error_code> read_more();
    asio::awaitable<error_code> write(std::string_view a, std::string_view b = {},
                                      std::string_view c = {});
    /// Sends what the socket takes right now (one non-blocking sendmsg), so the common small
    /// response needs no coroutine frame and no reactor round trip. Returns true when done:
    /// everything was sent (`ec` clear) or the write failed (`ec` set, client_gone_ true, as
    /// write() does). Returns false when the socket is full: `a`, `b`, `c` are advanced past
    /// the bytes sent and the caller co_awaits write(a, b, c) for the rest.
    bool write_now(std::string_view& a, std::string_view& b, std::string_view& c, error_code& ec);
    /// The sendfile(2) loop of send_file() after the head went out.
    asio::awaitable<error_code> send_file_body(FileRange file);
    /// An idle connection frees what the previous request left for reuse (scratch, head).
    void release_request_buffers() noexcept;
    asio::awaitable<void> answer_error_and_close(int status);
    asio::awaitable<void> lingering_close();
    asio::awaitable<bool> drain_body();

    std::string_view buffered() const noexcept { return {buf_.data() + begin_, end_ - begin_}; }
    error_code check_final_status(int status) const;
    /// Builds head_buf_ for a final response. `Headers`: Fields or a span of
    /// protocol::HttpField (anything iterable whose elements have `name` and `value`).
    template <class Headers>
    void build_head(int status, const Headers& headers, BodyMode mode, std::uint64_t length);
    /// send_response() up to the write: checks, head_buf_ built, `body` cleared when no body
    /// goes out. An error means nothing is to be written.
    template <class Headers>
    error_code prepare_response(int status, const Headers& headers, std::string_view& body);
    void declare_trailers(const Fields& headers);

    Stream stream_;
    const ConnectionInfo& conn_;
    Handler& handler_;
    bool h2c_ = false;
    bool check_preface_ = false;  // h2c and no request seen yet: the first bytes may be PRI *
    /// Made when the connection turns into HTTP/2 (most never do: kept off the session's size).
    std::unique_ptr<server::Handover> handover_;

    /// Page-aligned, not zero-filled: a parked connection hands its pages back to the kernel
    /// without freeing the buffer (see park_if_idle; common/page_buffer.h).
    PageBuffer buf_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;

    Phase phase_ = Phase::kIdle;
    /// When the last request finished (or the connection started): the idle deadline counts
    /// from here, so the loop need not read the clock again.
    Clock::time_point last_done_{};
    bool timed_out_ = false;
    bool stop_requested_ = false;
    /// The sweep cancelled the idle read to park the connection (see park_if_idle).
    bool parking_ = false;
    bool parked_ = false;    ///< waiting for readability with the buffer's pages released
    bool released_ = false;  ///< TLS: idle, buffers' pages released in place (park_if_idle)

    // --- per request ---
    Clock::time_point request_start_{};
    bool http11_ = true;
    bool is_head_ = false;
    bool close_after_ = false;
    BodyFraming framing_ = BodyFraming::kNone;
    std::uint64_t body_remaining_ = 0;
    std::uint64_t body_bytes_ = 0;
    bool body_done_ = true;
    int body_error_status_ = 0;
    error_code body_error_;
    bool expect_continue_ = false;
    bool continue_sent_ = false;
    ChunkedDecoder decoder_;

    bool head_sent_ = false;
    bool response_done_ = false;
    bool client_gone_ = false;
    int status_ = 0;
    std::uint64_t bytes_written_ = 0;
    BodyMode mode_ = BodyMode::kNone;
    std::uint64_t fixed_remaining_ = 0;
    std::vector<Field> trailers_;  // declared trailer names and their latest values
    std::string head_buf_;
    /// Lent to the handler through Request::scratch(); made by the first request, freed while
    /// the connection is parked.
    std::unique_ptr<RequestScratch> scratch_;
};

}  // namespace rr::http::h1
