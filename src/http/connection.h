#pragma once
// Internal to http/: one HTTP/1.1 connection and the state it shares with the Server.
// Not for use outside src/http (include http/server.h instead).
//
// Executor: everything runs on the server's io_context thread.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <ctime>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "http/chunked.h"
#include "http/handler.h"
#include "http/request_context.h"
#include "http/settings.h"

namespace spdlog {
class logger;
}

namespace rr::http::detail {

namespace asio = boost::asio;
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<asio::ip::tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<asio::ip::tcp, Executor>;
using Clock = std::chrono::steady_clock;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;

class Connection;

/// Shared by the Server object, the accept loop, the sweep loop and every connection.
struct ServerState {
    ServerState(asio::io_context& io, ServerSettings s, Handler& h,
                std::shared_ptr<spdlog::logger> l);

    asio::io_context& ioc;
    ServerSettings settings;
    Handler& handler;
    std::shared_ptr<spdlog::logger> log;
    std::optional<Acceptor> acceptor;
    std::optional<Timer> sweep_timer;
    std::list<Connection*> connections;  // not owned: each lives in its coroutine frame
    bool stopping = false;
    /// Run once when stopping and the last connection has gone (Server::on_drained).
    std::vector<std::function<void()>> drained;

    /// The cached HTTP date, recomputed at most once per second.
    const std::string& date();
    /// The wall-clock time of the steady time `now`, from a steady→system offset that is
    /// re-read at most once per second (one system_clock read per second, not per request).
    std::chrono::system_clock::time_point wall_time(Clock::time_point now);

private:
    std::time_t date_second_ = 0;
    std::string date_;
    bool wall_offset_valid_ = false;
    Clock::time_point wall_offset_read_{};
    std::chrono::system_clock::duration wall_offset_{};
};

class Connection final : public BodySource, public ResponseWriter {
public:
    Connection(std::shared_ptr<ServerState> state, Socket socket);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Serves requests until the connection closes. Never throws.
    asio::awaitable<void> run();

    // --- called by the server (sweep, stop) ---
    Clock::time_point deadline() const noexcept { return deadline_; }
    /// Marks the connection timed out and cancels its pending I/O.
    void expire() noexcept;
    /// Server stop: an idle connection closes now, a busy one after its response.
    void stop(bool hard) noexcept;

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
    /// Plain TCP: a small file goes out with its head in one write; a larger one as the head,
    /// then sendfile(2) from the page cache (no copy through user space). No progress for
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
    asio::awaitable<void> answer_error_and_close(int status);
    asio::awaitable<void> lingering_close();
    asio::awaitable<bool> drain_body();

    void set_deadline(Clock::duration d) noexcept;
    /// The same from a time already read.
    void set_deadline(Clock::time_point now, Clock::duration d) noexcept;
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

    std::shared_ptr<ServerState> state_;
    Socket socket_;
    std::list<Connection*>::iterator self_;
    asio::ip::address peer_;
    std::uint16_t peer_port_ = 0;
    std::string peer_text_;  // ip_to_string(peer_), formatted once per connection

    std::vector<char> buf_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;

    Phase phase_ = Phase::kIdle;
    Clock::time_point deadline_ = Clock::time_point::max();
    /// When the last request finished (or the connection started): the idle deadline counts
    /// from here, so the loop need not read the clock again.
    Clock::time_point last_done_{};
    bool timed_out_ = false;
    bool stop_requested_ = false;

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
    RequestScratch scratch_;  // lent to the handler through Request::scratch()
};

}  // namespace rr::http::detail
