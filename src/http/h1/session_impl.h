#pragma once
// The definitions of h1::Session<Stream> (h1/session.h). Included only by the translation units
// that instantiate the session for a stream type (h1/session_plain.cpp, ...).

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <exception>

#include "http/h1/h2c.h"
#include "http/h1/response_head.h"
#include "http/h1/session.h"
#include "http/h1/session_detail.h"
#include "http/server/stream.h"

namespace rr::http::h1 {

// ---------------------------------------------------------------------------------------------
// Lifetime and loop

template <class Stream>
Session<Stream>::Session(std::shared_ptr<server::ServerState> state, Stream stream,
                         const ConnectionInfo& conn, Handler& handler, bool h2c)
    : server::Connection(std::move(state)),
      stream_(std::move(stream)),
      conn_(conn),
      handler_(handler),
      h2c_(h2c),
      check_preface_(h2c) {
    buf_.resize(kInitialBuffer);
    head_buf_.reserve(512);
}

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
    stop_requested_ = true;
    if (hard || phase_ == Phase::kIdle) {
        stream_.cancel();
        if (hard) {
            client_gone_ = true;
            stream_.close();
        }
    }
}

template <class Stream>
void Session<Stream>::park_if_idle(Clock::time_point idle_before) noexcept {
    (void)idle_before;  // unused for streams that cannot park
    // Only a stream that can wait for readability without a buffer (plain TCP/unix; a TLS
    // engine may hold decrypted bytes the socket will never signal), only between requests
    // with nothing buffered, and only once: read_more() sees the cancelled read and parks.
    if constexpr (requires(Stream & s, error_code & e) { s.wait_read(e); }) {
        if (phase_ == Phase::kIdle && begin_ == end_ && !parked_ && !parking_ && !stop_requested_ &&
            !timed_out_ && last_done_ < idle_before) {
            parking_ = true;
            stream_.cancel();
        }
    } else if constexpr (requires(Stream & s) { s.release_idle_memory(); }) {
        // TLS: the pending read stays (the engine may hold ciphertext the socket will not
        // signal again); the buffers go back in place instead, once per idle period (the
        // session's read loop clears released_). Safe with the read pending: this runs on the
        // connection's thread, which performs the read (PageBuffer).
        if (phase_ == Phase::kIdle && begin_ == end_ && !released_ && !stop_requested_ &&
            !timed_out_ && last_done_ < idle_before) {
            released_ = true;
            ++state_->parked;
            buf_.release_pages();
            release_request_buffers();
            stream_.release_idle_memory();
        }
    }
}

template <class Stream>
void Session<Stream>::release_request_buffers() noexcept {
    // Rebuilt by the next request (after an idle period, so the allocations do not matter).
    scratch_.reset();
    std::string().swap(head_buf_);
}

template <class Stream>
asio::awaitable<std::unique_ptr<server::Handover>> Session<Stream>::run() {
    try {
        co_await serve();
    } catch (const std::exception& e) {
        state_->logger().warn("http: connection from {} failed: {}", conn_.ip_text, e.what());
        handover_.reset();
    } catch (...) {
        state_->logger().warn("http: connection from {} failed", conn_.ip_text);
        handover_.reset();
    }
    if (!handover_) {
        stream_.close();
    } else if (begin_ != end_) {
        handover_->buffered.append(buf_.data() + begin_, end_ - begin_);
    }
    co_return std::move(handover_);
}

template <class Stream>
asio::awaitable<void> Session<Stream>::serve() {
    error_code ec;
    const auto& s = state_->settings;
    HeadLimits limits{s.max_header_bytes};
    last_done_ = Clock::now();
    // One head for the connection's life: the parser refills it in place and serve_one hands
    // it back after each request, so its field vector keeps its capacity (no regrowth per
    // request).
    RequestHead head;
    for (;;) {
        // --- read the head of the next request ---
        // Clock reads: the idle deadline counts from the end of the previous request, and the
        // header deadline is set only when the head does not arrive in one piece.
        phase_ = Phase::kIdle;
        set_deadline(last_done_, s.idle_timeout);
        bool head_deadline_set = false;
        std::size_t scanned = 0;
        for (;;) {
            if (check_preface_ && begin_ != end_) {
                // Prior knowledge: the connection's first bytes are the HTTP/2 preface.
                const std::string_view b = buffered();
                if (b.size() >= kH2Preface.size() && b.substr(0, kH2Preface.size()) == kH2Preface) {
                    handover_ = std::make_unique<server::Handover>();
                    handover_->kind = server::Handover::Kind::kH2PriorKnowledge;
                    co_return;
                }
                const bool prefix =
                    b.size() < kH2Preface.size() && kH2Preface.substr(0, b.size()) == b;
                if (!prefix) check_preface_ = false;  // an HTTP/1.x connection
            }
            if (begin_ != end_ && !check_preface_) {
                if (phase_ == Phase::kIdle) phase_ = Phase::kHead;
                auto r = parse_request_head(buffered(), limits, head, scanned);
                if (r.status == HeadStatus::kComplete) {
                    begin_ += r.consumed;
                    break;
                }
                if (r.status == HeadStatus::kError) {
                    state_->logger().debug("http: {}: refused request: {}", conn_.ip_text,
                                           r.reason);
                    http11_ = true;
                    co_await answer_error_and_close(r.http_status);
                    co_return;
                }
                scanned = end_ - begin_;
            }
            if (stop_requested_ && phase_ == Phase::kIdle) co_return;
            if (phase_ == Phase::kHead && !head_deadline_set) {
                set_deadline(s.header_timeout);  // counts from the head's first bytes
                head_deadline_set = true;
            }
            ec = co_await read_more();
            if (ec) {
                if (timed_out_ && phase_ == Phase::kHead && !stop_requested_) {
                    timed_out_ = false;
                    co_await answer_error_and_close(408);
                }
                co_return;
            }
        }
        if (!co_await serve_one(head)) co_return;
    }
}

template <class Stream>
asio::awaitable<bool> Session<Stream>::serve_one(RequestHead& head) {
    const auto& s = state_->settings;
    request_start_ = Clock::now();
    const auto wall_start = state_->wall_time(request_start_);
    http11_ = head.is_http11();
    is_head_ = head.method == "HEAD";
    close_after_ = !head.keep_alive || stop_requested_;
    framing_ = head.framing;
    body_remaining_ = head.framing == BodyFraming::kContentLength ? head.content_length : 0;
    body_bytes_ = 0;
    body_done_ = head.framing == BodyFraming::kNone;
    body_error_status_ = 0;
    body_error_ = {};
    expect_continue_ = head.expect_continue && !body_done_;
    continue_sent_ = false;
    decoder_ = ChunkedDecoder(s.max_header_bytes);
    head_sent_ = false;
    response_done_ = false;
    status_ = 0;
    bytes_written_ = 0;
    mode_ = BodyMode::kNone;
    trailers_.clear();

    // A declared body over the limit is refused before anything is read (and before 100).
    if (head.framing == BodyFraming::kContentLength && head.content_length > s.max_request_size) {
        co_await answer_error_and_close(413);
        co_return false;
    }
    if (h2c_ && co_await try_upgrade_h2c(head)) co_return false;

    Request request(std::move(head), conn_, *this, s.mapping);
    if (!scratch_) [[unlikely]]
        scratch_ = std::make_unique<RequestScratch>();
    request.set_scratch(scratch_.get());
    phase_ = Phase::kHandler;
    deadline_ = Clock::time_point::max();
    try {
        co_await handler_.handle(request, *this);
    } catch (const std::exception& e) {
        state_->logger().error("http: handler failed for {} {}: {}", request.method(),
                               request.target(), e.what());
    } catch (...) {
        state_->logger().error("http: handler failed for {} {}", request.method(),
                               request.target());
    }
    phase_ = Phase::kHandler;
    deadline_ = Clock::time_point::max();

    if (!response_done_ && !client_gone_) {
        if (head_sent_) {
            close_after_ = true;  // an unfinished stream: the client sees the body cut short
        } else if (body_error_status_ != 0) {
            close_after_ = true;
            std::string resp = make_error_response(body_error_status_, http11_, state_->date());
            status_ = body_error_status_;
            co_await write(resp);  // on failure client_gone_ is set: no linger below
        } else {
            int code = s.internal_error_code;
            if (code < 200 || code > 599) code = 500;
            co_await send_response(code, Fields{}, {});
        }
    }

    Completion done;
    done.status = status_;
    done.body_bytes_read = body_bytes_;
    done.bytes_written = bytes_written_;
    done.start = wall_start;
    last_done_ = Clock::now();
    done.elapsed = last_done_ - request_start_;
    done.client_gone = client_gone_;
    handler_.on_complete(request, done);
    if (scratch_) scratch_->trim();
    head = std::move(request.head());  // back to serve() for reuse (see there)

    if (client_gone_) co_return false;
    if (close_after_ || stop_requested_) {
        co_await lingering_close();
        co_return false;
    }
    if (!body_done_) {
        if (expect_continue_ && !continue_sent_) {
            co_await lingering_close();  // the client may never send the body
            co_return false;
        }
        if (!co_await drain_body()) {
            co_await lingering_close();
            co_return false;
        }
        last_done_ = Clock::now();  // the drain may have waited: idle time starts now
    }
    co_return true;
}

template <class Stream>
asio::awaitable<bool> Session<Stream>::try_upgrade_h2c(RequestHead& head) {
    if (!head.is_http11() || head.framing != BodyFraming::kNone) co_return false;
    const std::string* upgrade = head.fields.find("upgrade");
    if (upgrade == nullptr || !has_token(*upgrade, "h2c")) co_return false;
    const std::string* settings = head.fields.find("http2-settings");
    if (settings == nullptr) co_return false;
    auto decoded = base64url_decode(*settings);
    if (!decoded) co_return false;  // a bad HTTP2-Settings: the upgrade is ignored
    if (co_await write(kSwitchingToH2c)) co_return true;  // the client is gone: close
    handover_ = std::make_unique<server::Handover>();
    handover_->kind = server::Handover::Kind::kH2Upgrade;
    handover_->http2_settings = std::move(*decoded);
    handover_->head = std::move(head);
    co_return true;
}

// ---------------------------------------------------------------------------------------------
// Socket I/O with deadlines (the sweep enforces them)

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::read_more() {
    if (begin_ == end_) {
        begin_ = end_ = 0;
    } else if (buf_.size() - end_ < kMinRead) {
        if (begin_ > 0) {
            std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        if (buf_.size() - end_ < kMinRead) {
            buf_.resize(std::max(buf_.size() * 2, end_ + kMinRead));
        }
    }
    error_code ec;
    std::size_t n =
        co_await stream_.read_some(asio::buffer(buf_.data() + end_, buf_.size() - end_), ec);
    end_ += n;
    if constexpr (requires(Stream & s) { s.release_idle_memory(); }) {
        if (released_) [[unlikely]] {
            released_ = false;
            --state_->parked;
        }
    }
    if constexpr (requires(Stream & s, error_code & e) { s.wait_read(e); }) {
        if (parking_) [[unlikely]] {
            parking_ = false;
            if (ec == asio::error::operation_aborted && n == 0 && begin_ == end_ && !timed_out_ &&
                !stop_requested_) {
                // Parked by the sweep (idle since park_idle_after): the buffer's pages go back
                // to the kernel (a buffer grown by a large head shrinks first), so 10,000 idle
                // keep-alive connections hold no read buffers in RSS (4 KiB each). The buffer
                // stays allocated: the next read faults in one zeroed page. The wait re-arms
                // epoll once; the read after it finds the bytes there.
                if (buf_.size() != kInitialBuffer) buf_ = PageBuffer(kInitialBuffer);
                buf_.release_pages();
                release_request_buffers();
                begin_ = end_ = 0;
                ec = {};
                parked_ = true;
                ++state_->parked;
                co_await stream_.wait_read(ec);
                --state_->parked;
                parked_ = false;
                if (timed_out_) {
                    co_return make_error_code(rr::errc::kHttpTimeout);
                }
                if (ec) {
                    co_return ec;
                }
                n = co_await stream_.read_some(asio::buffer(buf_.data(), buf_.size()), ec);
                end_ = n;
            }
        }
    }
    if (timed_out_) {
        co_return make_error_code(rr::errc::kHttpTimeout);
    }
    co_return ec;
}

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::write(std::string_view a,
                                                                  std::string_view b,
                                                                  std::string_view c) {
    if (client_gone_) co_return make_error_code(asio::error::broken_pipe);
    auto saved_phase = phase_;
    auto saved_deadline = deadline_;
    phase_ = Phase::kWrite;
    set_deadline(state_->settings.write_timeout);
    const server::WriteBuffers bufs{asio::buffer(a.data(), a.size()),
                                    asio::buffer(b.data(), b.size()),
                                    asio::buffer(c.data(), c.size())};
    error_code ec;
    std::size_t n = co_await stream_.write_all(bufs, ec);
    bytes_written_ += n;
    phase_ = saved_phase;
    deadline_ = saved_deadline;
    if (timed_out_) {
        ec = make_error_code(rr::errc::kHttpTimeout);
    }
    if (ec) {
        client_gone_ = true;
        close_after_ = true;
    }
    co_return ec;
}

template <class Stream>
bool Session<Stream>::write_now(std::string_view& a, std::string_view& b, std::string_view& c,
                                error_code& ec) {
    if (client_gone_) {
        ec = make_error_code(asio::error::broken_pipe);
        return true;
    }
    const std::size_t total = a.size() + b.size() + c.size();
    const server::WriteBuffers bufs{asio::buffer(a.data(), a.size()),
                                    asio::buffer(b.data(), b.size()),
                                    asio::buffer(c.data(), c.size())};
    ec = {};
    std::size_t n = total == 0 ? 0 : stream_.write_now(bufs, ec);
    if (ec) {
        client_gone_ = true;
        close_after_ = true;
        return true;
    }
    bytes_written_ += n;
    if (n == total && !stream_.write_pending()) return true;
    for (std::string_view* v : {&a, &b, &c}) {
        const std::size_t k = std::min(n, v->size());
        v->remove_prefix(k);
        n -= k;
    }
    return false;
}

template <class Stream>
asio::awaitable<void> Session<Stream>::answer_error_and_close(int status) {
    status_ = status;
    std::string resp = make_error_response(status, http11_, state_->date());
    auto ec = co_await write(resp);
    if (!ec) co_await lingering_close();
}

template <class Stream>
asio::awaitable<void> Session<Stream>::lingering_close() {
    // Half-close, then read and discard what the client still sends for a short while, so our
    // last response is not destroyed by a reset (unread data at close() makes the kernel RST).
    error_code ec;
    stream_.shutdown_send(ec);
    if (ec) co_return;
    phase_ = Phase::kClosing;
    set_deadline(state_->settings.linger_timeout);
    std::uint64_t total = 0;
    while (total < kMaxLingerBytes && !timed_out_) {
        std::size_t n = co_await stream_.read_some(asio::buffer(buf_.data(), buf_.size()), ec);
        if (ec) break;
        total += n;
    }
    begin_ = end_ = 0;
    stream_.close();
}

template <class Stream>
asio::awaitable<bool> Session<Stream>::drain_body() {
    const auto limit = state_->settings.max_drain_bytes;
    std::uint64_t start = body_bytes_;
    if (framing_ == BodyFraming::kContentLength && body_remaining_ > limit) co_return false;
    while (!body_done_) {
        auto piece = co_await read_body_some();
        if (!piece) co_return false;
        if (body_bytes_ - start > limit) co_return false;
    }
    co_return true;
}

// ---------------------------------------------------------------------------------------------
// BodySource

template <class Stream>
asio::awaitable<Result<std::string_view>> Session<Stream>::read_body_some() {
    if (body_error_) co_return body_error_;
    if (body_done_) co_return std::string_view{};
    if (client_gone_) co_return make_error_code(asio::error::broken_pipe);
    if (expect_continue_ && !continue_sent_ && !head_sent_) {
        continue_sent_ = true;
        if (auto ec = co_await write(kContinue)) co_return ec;
    }
    const auto& s = state_->settings;
    auto saved_phase = phase_;
    phase_ = Phase::kBody;
    deadline_ =
        s.read_timeout.count() > 0 ? request_start_ + s.read_timeout : Clock::time_point::max();
    auto fail = [&](int status, error_code ec) {
        body_error_status_ = status;
        body_error_ = ec;
        close_after_ = true;
        phase_ = saved_phase;
        deadline_ = Clock::time_point::max();
        return ec;
    };
    for (;;) {
        if (begin_ != end_) {
            if (framing_ == BodyFraming::kContentLength) {
                auto n = static_cast<std::size_t>(
                    std::min<std::uint64_t>(body_remaining_, end_ - begin_));
                std::string_view piece(buf_.data() + begin_, n);
                begin_ += n;
                body_remaining_ -= n;
                body_bytes_ += n;
                body_done_ = body_remaining_ == 0;
                phase_ = saved_phase;
                deadline_ = Clock::time_point::max();
                co_return piece;
            }
            auto step = decoder_.next(buffered());
            begin_ += step.consumed;
            if (step.error != rr::errc::kOk) {
                co_return fail(400, make_error_code(rr::errc::kHttpBadRequest));
            }
            if (!step.data.empty()) {
                body_bytes_ += step.data.size();
                if (body_bytes_ > s.max_request_size) {
                    co_return fail(413, make_error_code(rr::errc::kHttpBodyTooLarge));
                }
                phase_ = saved_phase;
                deadline_ = Clock::time_point::max();
                co_return step.data;
            }
            if (step.done) {
                body_done_ = true;
                phase_ = saved_phase;
                deadline_ = Clock::time_point::max();
                co_return std::string_view{};
            }
            if (body_bytes_ + decoder_.pending_chunk_bytes() > s.max_request_size) {
                co_return fail(413, make_error_code(rr::errc::kHttpBodyTooLarge));
            }
        }
        auto ec = co_await read_more();
        if (ec) {
            if (timed_out_) {
                timed_out_ = false;
                co_return fail(408, make_error_code(rr::errc::kHttpTimeout));
            }
            client_gone_ = ec == asio::error::eof || ec == asio::error::connection_reset;
            co_return fail(400, client_gone_ ? ec : make_error_code(rr::errc::kHttpBadRequest));
        }
    }
}

}  // namespace rr::http::h1

#include "http/h1/session_file_impl.h"
#include "http/h1/session_response_impl.h"
