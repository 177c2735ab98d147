#pragma once
// h2::Core: one server-side HTTP/2 connection on libnghttp2, without I/O (docs/http.md,
// "HTTP/2"). Bytes from the peer go in (feed()), bytes to send come out (produce()); requests,
// their bodies and stream ends are reported to a Listener; responses are submitted per stream.
// The Asio session (h2/session.h) drives it over a byte stream; the fuzzer (fuzz/h2/) and the
// unit tests drive it directly.
//
// What it enforces (RFC 9113 framing and stream rules are nghttp2's, with HTTP messaging checks
// on: pseudo-headers, connection-specific fields, content-length vs DATA, ...):
//   - header list over max_header_bytes (name + value + 32 per field, as SETTINGS_MAX_HEADER_
//     LIST_SIZE counts) → the stream gets 431 without reaching the handler; far over it (an
//     HPACK bomb) → RST_STREAM;
//   - a declared content-length over max_request_size → 413 before the handler; a body that
//     grows past it while read → the reader gets kHttpBodyTooLarge (413);
//   - a bad :path or :authority → 400;
//   - flood protection: control frames that make no request progress (PING, SETTINGS,
//     PRIORITY, RST_STREAM, WINDOW_UPDATE, empty DATA/HEADERS) draw from a token bucket
//     (burst, refill per second); an empty bucket → GOAWAY ENHANCE_YOUR_CALM. nghttp2's own
//     limits are set too: stream reset rate (CVE-2023-44487), CONTINUATION count (CVE-2024-
//     28182), outbound ACK queue, SETTINGS entries.
//   - flow control: the windows are opened only as the application consumes body bytes
//     (consume()), so at most initial_window bytes are buffered per stream and
//     connection_window per connection.
//
// Thread safety: one core per connection, one thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/fields.h"
#include "http/request_head.h"

struct nghttp2_session;

namespace rr::http::h2 {

struct Callbacks;  // nghttp2's callbacks (core.cpp)

/// HTTP/2 error codes (RFC 9113 §7) used here.
enum class ErrorCode : std::uint32_t {
    kNoError = 0x0,
    kProtocolError = 0x1,
    kInternalError = 0x2,
    kRefusedStream = 0x7,
    kCancel = 0x8,
    kEnhanceYourCalm = 0xb,
};

struct Limits {
    std::uint32_t max_concurrent_streams = 128;  ///< SETTINGS_MAX_CONCURRENT_STREAMS
    std::uint32_t initial_window = 256 * 1024;   ///< per stream (request body buffering)
    std::uint32_t connection_window = 1024 * 1024;
    std::size_t max_header_bytes = 1024 * 1024;              ///< header list → 431
    std::uint64_t max_request_size = 1000ull * 1024 * 1024;  ///< body → 413
    /// Control frames without request progress: burst, then this many per second.
    std::uint32_t control_burst = 1000;
    std::uint32_t control_per_second = 200;
};

/// One stream as the core sees it; owned by the core. `user` belongs to the driver.
struct StreamState {
    std::int32_t id = 0;
    RequestHead head;
    std::size_t header_bytes = 0;
    /// Set while the head is read when the request is refused before the handler (400, 413,
    /// 431); on_request() still reports the stream, the driver answers with this status.
    int refuse_status = 0;
    bool ready = false;  ///< the request head is complete (reported by on_request)

    // --- request body ---
    std::string body;                 ///< received, not yet taken by take_body()
    std::uint64_t body_received = 0;  ///< all DATA payload bytes so far
    bool body_done = false;           ///< END_STREAM from the client
    bool body_too_large = false;      ///< over max_request_size (the rest is discarded)
    bool discard_body = false;        ///< the driver wants no more body (consumed at once)

    // --- response ---
    bool response_submitted = false;
    std::string_view pending;      ///< body bytes the data provider hands out next (driver-owned)
    bool eof = false;              ///< no more body after `pending`
    bool deferred = false;         ///< the provider is waiting for data (resume() restarts it)
    std::vector<Field> trailers;   ///< sent after the body when not empty
    bool response_done = false;    ///< the last frame of the response was sent
    std::uint64_t bytes_sent = 0;  ///< HEADERS + DATA payload bytes sent on this stream
    std::string owned_body;        ///< a body the driver hands over to keep (error answers)

    // --- life ---
    bool closed = false;  ///< nghttp2 closed the stream
    std::uint32_t close_error = 0;
    bool driver_done = false;  ///< the driver released it (release())
    void* user = nullptr;
};

class Core {
public:
    /// Called synchronously from feed() / produce() / submit calls. Must not call feed() or
    /// produce() themselves; may submit responses and consume().
    class Listener {
    public:
        /// The request head is complete (also for a refused one: see refuse_status).
        virtual void on_request(StreamState& stream) = 0;
        /// Body data arrived, the body ended, pending response data was taken, or the stream
        /// closed: whoever waits on the stream should look again.
        virtual void on_stream_update(StreamState& stream) = 0;

    protected:
        ~Listener() = default;
    };

    /// A field for submit calls; names may be in any case (sent lower-cased).
    struct HeaderRef {
        std::string_view name;
        std::string_view value;
    };

    Core(const Limits& limits, Listener& listener);
    ~Core();
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    /// Queues the server's SETTINGS and the connection window. For `Upgrade: h2c`, pass the
    /// client's HTTP2-Settings (decoded) and the upgraded request's head: it becomes stream 1,
    /// reported through on_request() with its body complete.
    bool start();
    bool start_upgrade(std::string_view settings_payload, RequestHead head);

    /// Processes bytes from the peer. False on a connection error (a GOAWAY may be queued:
    /// produce() it, then close).
    bool feed(std::string_view bytes);
    /// Appends frames to send to `out` until it holds at least `max` bytes or nothing is left.
    /// False on a fatal error.
    bool produce(std::string& out, std::size_t max);
    /// The connection is over when neither side wants more.
    bool want_read() const;
    bool want_write() const;
    /// The reason of the last connection error, for logs.
    const std::string& error() const noexcept { return error_; }

    // --- responses (the stream must be ready and not closed) ---
    /// An interim (1xx) response.
    bool submit_interim(StreamState& s, int status, std::span<const HeaderRef> headers);
    /// The final head; `with_body`: DATA follow from `pending` (resume() as it is refilled,
    /// eof ends it), else the HEADERS frame ends the stream.
    bool submit_response(StreamState& s, int status, std::span<const HeaderRef> headers,
                         bool with_body);
    /// New `pending` data or eof after the provider deferred.
    void resume(StreamState& s);
    /// `n` body bytes were handed to the application: reopen the flow-control windows.
    void consume(StreamState& s, std::size_t n);
    /// Moves the buffered body into `out` (replacing it) and consumes it.
    void take_body(StreamState& s, std::string& out);
    void reset(StreamState& s, ErrorCode code);
    /// The driver is done with the stream (handler finished): freed once nghttp2 closed it
    /// too. Body that still arrives is discarded.
    void release(StreamState& s);

    /// Graceful GOAWAY: no new streams after the last one received; open ones finish.
    void shutdown();
    /// GOAWAY with `code`; the connection should close after produce().
    void terminate(ErrorCode code);

    std::size_t open_streams() const noexcept { return streams_.size(); }
    /// The clock the flood bucket uses (tests and the fuzzer may fix it).
    std::function<std::chrono::steady_clock::time_point()> now = [] {
        return std::chrono::steady_clock::now();
    };

private:
    friend struct Callbacks;

    StreamState* find(std::int32_t id);
    StreamState& create(std::int32_t id);
    void erase_if_finished(StreamState& s);
    bool spend_control_token();
    void fail(std::string why, ErrorCode code);
    void finish_head(StreamState& s);

    Limits limits_;
    Listener& listener_;
    nghttp2_session* session_ = nullptr;
    std::map<std::int32_t, std::unique_ptr<StreamState>> streams_;
    std::string error_;
    double tokens_;
    std::chrono::steady_clock::time_point refilled_{};
};

}  // namespace rr::http::h2
