#pragma once
// The definitions of h2::Session<Stream> (h2/session.h). Included only by the translation units
// that instantiate the session for a stream type (h2/session_plain.cpp, h2/session_tls.cpp).

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>

#include "http/h2/session.h"
#include "http/server/stream.h"
#include "http/status.h"
#include "http/trailers.h"

namespace rr::http::h2 {

namespace session_detail {

/// Frames produced per write (bounds what a connection buffers ahead of its socket).
inline constexpr std::size_t kOutChunk = 64 * 1024;
inline constexpr std::size_t kReadBuffer = 16 * 1024;

inline std::optional<std::uint64_t> parse_length(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

/// Fields outside a coroutine body (g++ 12 mis-compiles some initialisers inside coroutines).
inline Fields text_plain() {
    Fields f;
    f.add("Content-Type", "text/plain; charset=utf-8");
    return f;
}

}  // namespace session_detail

// ---------------------------------------------------------------------------------------------
// StreamIo: one request's body source and response writer

template <class Stream>
class Session<Stream>::StreamIo final : public BodySource, public ResponseWriter {
public:
    StreamIo(Session& session, StreamState& st)
        : session_(session), st_(st), timer_(session.state_->ioc.get_executor()) {
        st_.user = this;
        is_head_ = st_.head.method == "HEAD";
        expect_continue_ = st_.head.expect_continue && !st_.body_done;
    }

    StreamState& state() noexcept { return st_; }
    void notify() noexcept { timer_.cancel(); }
    /// The stream is being given back to the core: no more notifications.
    void detach() noexcept { st_.user = nullptr; }

    Clock::time_point request_start{};
    int status() const noexcept { return status_; }
    int body_error_status() const noexcept { return body_error_status_; }

    // --- BodySource ---
    asio::awaitable<Result<std::string_view>> read_body_some() override {
        if (body_error_) co_return body_error_;
        const auto& s = session_.state_->settings;
        const auto deadline =
            s.read_timeout.count() > 0 ? request_start + s.read_timeout : Clock::time_point::max();
        for (;;) {
            if (st_.body_too_large) {
                co_return fail_body(413, make_error_code(rr::errc::kHttpBodyTooLarge));
            }
            if (!st_.body.empty()) {
                session_.core_.take_body(st_, piece_);
                body_read_ += piece_.size();
                session_.flush();  // the window update
                co_return std::string_view(piece_);
            }
            if (st_.body_done) co_return std::string_view{};
            if (st_.closed || session_.dead_) {
                client_gone_ = true;
                co_return fail_body(400, make_error_code(asio::error::connection_reset));
            }
            if (expect_continue_ && !continue_sent_ && !head_sent_) {
                continue_sent_ = true;
                session_.core_.submit_interim(st_, 100, {});
                session_.flush();
            }
            if (Clock::now() >= deadline) {
                co_return fail_body(408, make_error_code(rr::errc::kHttpTimeout));
            }
            co_await wait(deadline);
        }
    }
    bool body_complete() const noexcept override { return st_.body_done && st_.body.empty(); }
    std::uint64_t body_bytes_read() const noexcept override { return body_read_; }

    // --- ResponseWriter ---
    asio::awaitable<error_code> send_interim(int status, const Fields& headers) override {
        if (status < 100 || status > 199 || status == 101) {
            co_return make_error_code(rr::errc::kHttpBadWorkerStatus);
        }
        if (head_sent_ || response_done_) {
            co_return make_error_code(rr::errc::kHttpBadWorkerResponse);
        }
        if (client_gone_ || st_.closed || session_.dead_) {
            client_gone_ = true;
            co_return make_error_code(asio::error::broken_pipe);
        }
        refs_.clear();
        for (const auto& f : headers) refs_.push_back({f.name, f.value});
        session_.core_.submit_interim(st_, status, refs_);
        session_.flush();
        co_return error_code{};
    }

    asio::awaitable<error_code> send_response(int status, const Fields& headers,
                                              std::string_view body) override {
        co_return co_await respond(status, headers, body);
    }
    asio::awaitable<error_code> send_response(int status,
                                              std::span<const protocol::HttpField> headers,
                                              std::string_view body) override {
        co_return co_await respond(status, headers, body);
    }

    asio::awaitable<error_code> start_stream(int status, const Fields& headers,
                                             std::string_view first_chunk) override {
        if (auto ec = check_final_status(status)) co_return ec;
        status_ = status;
        declare_trailers(headers);
        const bool no_body = is_head_ || status_has_no_body(status);
        const std::string* cl = headers.find("content-length");
        std::optional<std::uint64_t> declared = cl ? parse_length(*cl) : std::nullopt;
        if (!trailers_.empty() || status_has_no_body(status)) declared.reset();
        build_refs(headers, declared);
        streaming_ = !no_body;
        st_.pending = no_body ? std::string_view() : first_chunk;
        st_.eof = false;
        if (!session_.core_.submit_response(st_, status, refs_, !no_body)) {
            co_return make_error_code(rr::errc::kHttpBadWorkerResponse);
        }
        head_sent_ = true;
        session_.flush();
        if (no_body) co_return co_await wait_sent([this] { return st_.response_done; });
        co_return co_await wait_sent([this] { return st_.pending.empty(); });
    }

    asio::awaitable<error_code> send_chunk(std::string_view data) override {
        if (!head_sent_ || response_done_) {
            co_return make_error_code(rr::errc::kHttpBadWorkerResponse);
        }
        if (client_gone_) co_return make_error_code(asio::error::broken_pipe);
        if (!streaming_ || data.empty()) co_return error_code{};
        st_.pending = data;
        session_.core_.resume(st_);
        session_.flush();
        co_return co_await wait_sent([this] { return st_.pending.empty(); });
    }

    asio::awaitable<error_code> finish_stream(const Fields& headers) override {
        if (!head_sent_ || response_done_) {
            co_return make_error_code(rr::errc::kHttpBadWorkerResponse);
        }
        if (client_gone_) co_return make_error_code(asio::error::broken_pipe);
        if (streaming_) {
            update_trailers(headers);
            st_.trailers.clear();
            for (const auto& t : trailers_) {
                if (!t.value.empty()) st_.trailers.push_back(t);
            }
            st_.eof = true;
            session_.core_.resume(st_);
            session_.flush();
        }
        auto ec = co_await wait_sent([this] { return st_.response_done; });
        if (!ec) response_done_ = true;
        co_return ec;
    }

    void update_trailers(const Fields& headers) override {
        update_trailer_values(trailers_, headers);
    }
    bool head_sent() const noexcept override { return head_sent_; }
    bool response_complete() const noexcept override { return response_done_; }
    bool client_gone() const noexcept override { return client_gone_; }

    /// An error answer from the session (body errors, refused requests).
    asio::awaitable<error_code> send_error(int status) {
        std::string body = std::to_string(status);
        body.push_back(' ');
        body.append(reason_phrase(status));
        error_body_ = std::move(body);
        co_return co_await respond(status, session_detail::text_plain(), error_body_);
    }

private:
    using Headers = std::vector<Core::HeaderRef>;

    static std::optional<std::uint64_t> parse_length(std::string_view s) {
        return session_detail::parse_length(s);
    }

    error_code fail_body(int status, error_code ec) {
        body_error_status_ = status;
        body_error_ = ec;
        return ec;
    }

    asio::awaitable<void> wait(Clock::time_point deadline) {
        timer_.expires_at(deadline);
        error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

    /// Waits until `done()` (the core took the bytes / sent the end), the stream or the
    /// connection is gone, or write_timeout passes without it (a zero window: the stream is
    /// reset and the handler sees client_gone).
    template <class Pred>
    asio::awaitable<error_code> wait_sent(Pred done) {
        const auto wt = session_.state_->settings.write_timeout;
        const auto deadline = wt.count() > 0 ? Clock::now() + wt : Clock::time_point::max();
        for (;;) {
            if (done()) co_return error_code{};
            if (st_.closed || session_.dead_ || client_gone_) {
                client_gone_ = true;
                st_.pending = {};
                co_return make_error_code(asio::error::broken_pipe);
            }
            if (Clock::now() >= deadline) {
                client_gone_ = true;
                st_.pending = {};
                session_.core_.reset(st_, ErrorCode::kCancel);
                session_.flush();
                co_return make_error_code(rr::errc::kHttpTimeout);
            }
            co_await wait(deadline);
        }
    }

    error_code check_final_status(int status) const {
        if (status < 200 || status > 599) return make_error_code(rr::errc::kHttpBadWorkerStatus);
        if (head_sent_ || response_done_) return make_error_code(rr::errc::kHttpBadWorkerResponse);
        return {};
    }

    void declare_trailers(const Fields& headers) {
        trailers_ = declared_trailers(headers);
        update_trailer_values(trailers_, headers);
    }

    /// refs_: the handler's fields minus what HTTP/2 or this writer decides (framing,
    /// connection-specific fields, held-back trailers), plus Date, content-length when known,
    /// and the trailer announcement.
    template <class HeaderList>
    void build_refs(const HeaderList& headers, std::optional<std::uint64_t> content_length) {
        refs_.clear();
        refs_.reserve(std::size(headers) + 3);  // + date, content-length, trailer: one allocation
        bool has_date = false;
        for (const auto& f : headers) {
            const std::string_view name = f.name;
            // Connection-specific fields make an HTTP/2 response malformed (RFC 9113 §8.2.2).
            if (iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
                iequals(name, "connection") || iequals(name, "trailer") ||
                iequals(name, "keep-alive") || iequals(name, "proxy-connection") ||
                iequals(name, "upgrade")) {
                continue;
            }
            const bool held = std::any_of(trailers_.begin(), trailers_.end(),
                                          [&](const Field& t) { return iequals(t.name, name); });
            if (held) continue;
            has_date = has_date || iequals(name, "date");
            refs_.push_back({name, std::string_view(f.value)});
        }
        if (!has_date) refs_.push_back({"date", session_.state_->date()});
        if (content_length) {
            length_text_ = std::to_string(*content_length);
            refs_.push_back({"content-length", length_text_});
        }
        if (!trailers_.empty()) {
            trailer_text_.clear();
            for (const auto& t : trailers_) {
                if (!trailer_text_.empty()) trailer_text_ += ", ";
                trailer_text_ += t.name;
            }
            refs_.push_back({"trailer", trailer_text_});
        }
    }

    template <class HeaderList>
    asio::awaitable<error_code> respond(int status, const HeaderList& headers,
                                        std::string_view body) {
        if (auto ec = check_final_status(status)) co_return ec;
        bool wants_trailers = false;
        for (const auto& f : headers) wants_trailers = wants_trailers || iequals(f.name, "trailer");
        if (wants_trailers && !is_head_ && !status_has_no_body(status)) {
            Fields fields;
            fields.reserve(headers.size());
            for (const auto& h : headers) fields.add(std::string(h.name), std::string(h.value));
            if (auto ec = co_await start_stream(status, fields, body)) co_return ec;
            co_return co_await finish_stream(fields);
        }
        if (client_gone_ || st_.closed || session_.dead_) {
            client_gone_ = true;
            co_return make_error_code(asio::error::broken_pipe);
        }
        trailers_.clear();
        status_ = status;
        std::optional<std::uint64_t> length;
        if (!status_has_no_body(status)) {
            length = body.size();
            if (is_head_) {
                for (const auto& f : headers) {
                    if (iequals(f.name, "content-length")) {
                        if (auto v = parse_length(f.value)) length = *v;
                        break;
                    }
                }
            }
        }
        build_refs(headers, length);
        const bool with_body = !is_head_ && !status_has_no_body(status) && !body.empty();
        st_.pending = with_body ? body : std::string_view();
        st_.eof = true;
        if (!session_.core_.submit_response(st_, status, refs_, with_body)) {
            co_return make_error_code(rr::errc::kHttpBadWorkerResponse);
        }
        head_sent_ = true;
        session_.flush();
        auto ec = co_await wait_sent([this] { return st_.response_done; });
        if (!ec) response_done_ = true;
        co_return ec;
    }

    Session& session_;
    StreamState& st_;
    server::Timer timer_;
    bool is_head_ = false;
    bool expect_continue_ = false;
    bool continue_sent_ = false;
    std::string piece_;  // the body piece last handed out
    std::uint64_t body_read_ = 0;
    int body_error_status_ = 0;
    error_code body_error_;

    bool head_sent_ = false;
    bool response_done_ = false;
    bool client_gone_ = false;
    bool streaming_ = false;
    int status_ = 0;
    std::vector<Field> trailers_;  // declared trailer names and their latest values
    Headers refs_;
    std::string length_text_;
    std::string trailer_text_;
    std::string error_body_;
};

// ---------------------------------------------------------------------------------------------
// Session

namespace session_detail {

inline Limits limits_of(const ServerSettings& s) {
    Limits l;
    l.max_concurrent_streams = s.h2_max_concurrent_streams;
    l.max_header_bytes = s.max_header_bytes;
    l.max_request_size = s.max_request_size;
    return l;
}

}  // namespace session_detail

template <class Stream>
Session<Stream>::Session(std::shared_ptr<server::ServerState> state, Stream stream,
                         const ConnectionInfo& conn, Handler& handler,
                         std::unique_ptr<server::Handover> handover)
    : server::Connection(std::move(state)),
      stream_(std::move(stream)),
      conn_(conn),
      handler_(handler),
      limits_(session_detail::limits_of(state_->settings)),
      core_(limits_, *this),
      handover_(std::move(handover)),
      wake_(state_->ioc.get_executor()) {}

template <class Stream>
Session<Stream>::~Session() = default;

template <class Stream>
void Session<Stream>::expire() noexcept {
    timed_out_ = true;
    deadline_ = Clock::time_point::max();
    stream_.cancel();
}

template <class Stream>
void Session<Stream>::stop(bool hard) noexcept {
    if (hard) {
        fail_connection();
        stream_.close();
        return;
    }
    if (stopping_) return;
    stopping_ = true;
    core_.shutdown();  // GOAWAY: no new streams; the open ones finish
    flush();
    if (running_.empty() && queue_.empty()) stream_.cancel();
}

template <class Stream>
void Session<Stream>::park_if_idle(Clock::time_point idle_before) noexcept {
    // Idle since park_idle_after with no stream in progress and nothing being written: the
    // read buffer's pages go back with the read into it pending (the sweep runs on this
    // connection's thread, which performs that read: PageBuffer), and so do the frame buffer
    // and, over TLS, the engine's buffers. Once per idle period: the read loop clears
    // released_.
    if (released_ || dead_ || writing_ || !running_.empty() || !queue_.empty() ||
        last_activity_ >= idle_before || read_buf_.data() == nullptr) {
        return;
    }
    released_ = true;
    ++state_->parked;
    read_buf_.release_pages();
    free_scratch_.clear();  // the streams' request scratch kept for reuse
    if (out_sent_ == out_.size()) {
        std::string().swap(out_);
        out_sent_ = 0;
    }
    if constexpr (requires(Stream & s) { s.release_idle_memory(); }) stream_.release_idle_memory();
}

template <class Stream>
void Session<Stream>::on_request(StreamState& s) {
    last_activity_ = Clock::now();
    if (s.refuse_status != 0) {
        answer_refused(s);
        return;
    }
    queue_.push_back(&s);
    // Requests pile up only when handlers are busy and the client keeps opening (and
    // resetting) streams: that is the rapid-reset pattern.
    if (queue_.size() > 4 * static_cast<std::size_t>(limits_.max_concurrent_streams)) {
        core_.terminate(ErrorCode::kEnhanceYourCalm);
    }
}

template <class Stream>
void Session<Stream>::on_stream_update(StreamState& s) {
    if (s.user != nullptr) static_cast<StreamIo*>(s.user)->notify();
}

template <class Stream>
void Session<Stream>::answer_refused(StreamState& s) {
    const int status = s.refuse_status;
    s.owned_body = std::to_string(status) + " " + std::string(reason_phrase(status));
    const std::string length = std::to_string(s.owned_body.size());
    const Core::HeaderRef refs[] = {{"content-type", "text/plain; charset=utf-8"},
                                    {"content-length", length},
                                    {"date", state_->date()}};
    s.pending = s.owned_body;
    s.eof = true;
    core_.submit_response(s, status, refs, true);
    core_.release(s);
}

template <class Stream>
void Session<Stream>::dispatch() {
    while (running_.size() < limits_.max_concurrent_streams && !queue_.empty()) {
        StreamState* s = queue_.front();
        queue_.pop_front();
        if (s->closed || dead_) {
            core_.release(*s);  // reset by the client before it started: no handler
            continue;
        }
        auto* io = new StreamIo(*this, *s);
        running_.push_back(io);
        asio::co_spawn(state_->ioc.get_executor(), run_stream(io), asio::detached);
    }
    update_deadline();
}

template <class Stream>
asio::awaitable<void> Session<Stream>::run_stream(StreamIo* io) {
    std::unique_ptr<StreamIo> owner(io);
    StreamState& st = io->state();
    std::unique_ptr<RequestScratch> scratch;
    if (!free_scratch_.empty()) {
        scratch = std::move(free_scratch_.back());
        free_scratch_.pop_back();
    } else {
        scratch = std::make_unique<RequestScratch>();
    }
    const auto& s = state_->settings;
    io->request_start = Clock::now();
    const auto wall_start = state_->wall_time(io->request_start);
    {
        Request request(std::move(st.head), conn_, *io, s.mapping);
        request.set_scratch(scratch.get());
        try {
            co_await handler_.handle(request, *io);
        } catch (const std::exception& e) {
            state_->logger().error("http: handler failed for {} {}: {}", request.method(),
                                   request.target(), e.what());
        } catch (...) {
            state_->logger().error("http: handler failed for {} {}", request.method(),
                                   request.target());
        }
        if (!io->response_complete() && !io->client_gone()) {
            if (io->head_sent()) {
                core_.reset(st, ErrorCode::kInternalError);  // an unfinished stream
            } else if (io->body_error_status() != 0) {
                co_await io->send_error(io->body_error_status());
            } else {
                int code = s.internal_error_code;
                if (code < 200 || code > 599) code = 500;
                co_await io->send_response(code, Fields{}, {});
            }
        }
        Completion done;
        done.status = io->status();
        done.body_bytes_read = io->body_bytes_read();
        done.bytes_written = st.bytes_sent;
        done.start = wall_start;
        done.elapsed = Clock::now() - io->request_start;
        done.client_gone = io->client_gone();
        handler_.on_complete(request, done);
    }
    scratch->trim();
    free_scratch_.push_back(std::move(scratch));
    io->detach();
    core_.release(st);  // may free `st`
    running_.erase(std::find(running_.begin(), running_.end(), io));
    last_activity_ = Clock::now();  // idle counts from the last request, not the last byte
    owner.reset();
    dispatch();
    flush();
    if (running_.empty()) {
        wake_.cancel();
        if (stopping_ && queue_.empty()) stream_.cancel();  // the reader waits no longer
    }
}

template <class Stream>
void Session<Stream>::flush() {
    if (writing_ || dead_) return;  // the writer picks up whatever the core has next
    for (;;) {
        if (out_sent_ == out_.size()) {
            out_.clear();
            out_sent_ = 0;
            if (!core_.produce(out_, session_detail::kOutChunk)) {
                fail_connection();
                return;
            }
            if (out_.empty()) break;
        }
        error_code ec;
        const server::WriteBuffers bufs{
            asio::buffer(out_.data() + out_sent_, out_.size() - out_sent_), {}, {}};
        out_sent_ += stream_.write_now(bufs, ec);
        if (ec) {
            fail_connection();
            return;
        }
        if (out_sent_ < out_.size() || stream_.write_pending()) {
            writing_ = true;
            asio::co_spawn(state_->ioc.get_executor(), writer(), asio::detached);
            return;
        }
    }
    update_deadline();
}

template <class Stream>
asio::awaitable<void> Session<Stream>::writer() {
    const auto wt = state_->settings.write_timeout;
    while (!dead_) {
        deadline_ = wt.count() > 0 ? Clock::now() + wt : Clock::time_point::max();
        error_code ec;
        const server::WriteBuffers bufs{
            asio::buffer(out_.data() + out_sent_, out_.size() - out_sent_), {}, {}};
        co_await stream_.write_all(bufs, ec);
        if (ec || timed_out_) {
            fail_connection();
            break;
        }
        out_.clear();
        out_sent_ = 0;
        if (!core_.produce(out_, session_detail::kOutChunk)) {
            fail_connection();
            break;
        }
        if (out_.empty()) break;
    }
    writing_ = false;
    update_deadline();
    wake_.cancel();
}

template <class Stream>
void Session<Stream>::fail_connection() noexcept {
    dead_ = true;
    for (StreamIo* io : running_) io->notify();
    stream_.cancel();
    wake_.cancel();
}

template <class Stream>
void Session<Stream>::update_deadline() noexcept {
    if (writing_) return;  // the writer's write deadline stands
    const auto idle = state_->settings.idle_timeout;
    if (running_.empty() && queue_.empty() && idle.count() > 0) {
        deadline_ = last_activity_ + idle;
    } else {
        deadline_ = Clock::time_point::max();
    }
}

template <class Stream>
asio::awaitable<void> Session<Stream>::serve() {
    last_activity_ = Clock::now();
    bool ok = handover_ && handover_->kind == server::Handover::Kind::kH2Upgrade
                  ? core_.start_upgrade(handover_->http2_settings, std::move(handover_->head))
                  : core_.start();
    if (ok && handover_ && !handover_->buffered.empty()) ok = core_.feed(handover_->buffered);
    handover_.reset();
    dispatch();
    flush();
    read_buf_.resize(session_detail::kReadBuffer);
    while (ok && !dead_) {
        if (!core_.want_read() && !core_.want_write()) break;
        if (stopping_ && running_.empty() && queue_.empty()) break;
        update_deadline();
        error_code ec;
        const std::size_t n =
            co_await stream_.read_some(asio::buffer(read_buf_.data(), read_buf_.size()), ec);
        if (released_) [[unlikely]] {
            released_ = false;
            --state_->parked;
        }
        if (ec) break;
        // No last_activity_ update here: PINGs or a header block trickled byte by byte must not
        // keep a connection without requests open past idle_timeout (HTTP/2 slowloris).
        ok = core_.feed(std::string_view(read_buf_.data(), n));
        dispatch();
        flush();
    }
    if (!ok && !core_.error().empty()) {
        state_->logger().debug("http2: connection from {} ended: {}", conn_.ip_text, core_.error());
    }
}

template <class Stream>
asio::awaitable<void> Session<Stream>::run() {
    try {
        co_await serve();
    } catch (const std::exception& e) {
        state_->logger().warn("http2: connection from {} failed: {}", conn_.ip_text, e.what());
    } catch (...) {
        state_->logger().warn("http2: connection from {} failed", conn_.ip_text);
    }
    // A GOAWAY (or the last frames) still being written: let it finish (or fail at the
    // write deadline) before the socket closes.
    while (writing_ && !dead_) {
        wake_.expires_at(Clock::time_point::max());
        error_code ec;
        co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    fail_connection();
    while (!running_.empty() || writing_) {
        wake_.expires_at(Clock::time_point::max());
        error_code ec;
        co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    for (StreamState* s : queue_) core_.release(*s);
    queue_.clear();
    stream_.close();
}

}  // namespace rr::http::h2
