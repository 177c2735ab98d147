#pragma once
// h1::Session<Stream> as the ResponseWriter (h1/session.h): checks of the worker's status,
// trailers, the response head, interim (1xx) responses, whole responses and chunked streams.
// Included by h1/session_impl.h only.

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>

#include "http/h1/response_head.h"
#include "http/h1/session.h"
#include "http/h1/session_detail.h"
#include "http/trailers.h"

namespace rr::http::h1 {

// ---------------------------------------------------------------------------------------------
// ResponseWriter

template <class Stream>
boost::system::error_code Session<Stream>::check_final_status(int status) const {
    if (status < 200 || status > 599) return make_error_code(rr::errc::kHttpBadWorkerStatus);
    if (head_sent_ || response_done_) return make_error_code(rr::errc::kHttpBadWorkerResponse);
    return {};
}

template <class Stream>
void Session<Stream>::declare_trailers(const Fields& headers) {
    trailers_ = declared_trailers(headers);
    update_trailer_values(trailers_, headers);
}

template <class Stream>
void Session<Stream>::update_trailers(const Fields& headers) {
    update_trailer_values(trailers_, headers);
}

template <class Stream>
template <class Headers>
void Session<Stream>::build_head(int status, const Headers& headers, BodyMode mode,
                                 std::uint64_t length) {
    // Announce the close when the unread rest of the body will not be drained (see serve_one).
    if (!body_done_ && ((expect_continue_ && !continue_sent_) ||
                        (framing_ == BodyFraming::kContentLength &&
                         body_remaining_ > state_->settings.max_drain_bytes))) {
        close_after_ = true;
    }
    head_buf_.clear();
    append_status_line(head_buf_, status, http11_);
    bool has_date = false;
    for (const auto& f : headers) {
        if (iequals(f.name, "content-length") || iequals(f.name, "transfer-encoding") ||
            iequals(f.name, "trailer")) {
            continue;
        }
        if (iequals(f.name, "connection")) {
            if (has_token(f.value, "close")) close_after_ = true;
            continue;
        }
        bool is_trailer = std::any_of(trailers_.begin(), trailers_.end(),
                                      [&](const Field& t) { return iequals(t.name, f.name); });
        if (is_trailer) continue;
        has_date = has_date || iequals(f.name, "date");
        append_field(head_buf_, f.name, f.value);
    }
    if (!has_date) {
        head_buf_.append("Date: ").append(state_->date()).append("\r\n");
    }
    switch (mode) {
        case BodyMode::kFixed:
            head_buf_.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
            break;
        case BodyMode::kChunked:
            head_buf_.append("Transfer-Encoding: chunked\r\n");
            if (!trailers_.empty()) {
                head_buf_.append("Trailer: ");
                for (std::size_t i = 0; i < trailers_.size(); ++i) {
                    if (i > 0) head_buf_.append(", ");
                    head_buf_.append(trailers_[i].name);
                }
                head_buf_.append("\r\n");
            }
            break;
        case BodyMode::kUntilClose:
            close_after_ = true;
            break;
        case BodyMode::kNone:
            break;
    }
    if (close_after_ || stop_requested_) {
        close_after_ = true;
        head_buf_.append("Connection: close\r\n");
    } else if (!http11_) {
        head_buf_.append("Connection: keep-alive\r\n");
    }
    head_buf_.append("\r\n");
}

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::send_interim(int status,
                                                                         const Fields& headers) {
    if (status < 100 || status > 199 || status == 101) {
        co_return make_error_code(rr::errc::kHttpBadWorkerStatus);
    }
    if (head_sent_ || response_done_) {
        co_return make_error_code(rr::errc::kHttpBadWorkerResponse);
    }
    if (!http11_) co_return error_code{};  // HTTP/1.0 clients do not understand 1xx
    head_buf_.clear();
    append_status_line(head_buf_, status, true);
    for (const auto& f : headers) {
        append_field(head_buf_, f.name, f.value);
    }
    head_buf_.append("\r\n");
    co_return co_await write(head_buf_);
}

template <class Stream>
template <class Headers>
boost::system::error_code Session<Stream>::prepare_response(int status, const Headers& headers,
                                                            std::string_view& body) {
    if (auto ec = check_final_status(status)) return ec;
    trailers_.clear();
    status_ = status;
    std::uint64_t length = body.size();
    BodyMode mode = BodyMode::kFixed;
    if (status_has_no_body(status)) {
        mode = BodyMode::kNone;
        body = {};
    } else if (is_head_) {
        if (auto cl = find_value(headers, "content-length")) {
            if (auto v = parse_length(*cl)) length = *v;
        }
        body = {};
    }
    build_head(status, headers, mode, length);
    head_sent_ = true;
    return {};
}

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::send_response(int status,
                                                                          const Fields& headers,
                                                                          std::string_view body) {
    if (auto ec = check_final_status(status)) co_return ec;
    if (headers.contains("trailer") && http11_ && !is_head_ && !status_has_no_body(status)) {
        if (auto ec = co_await start_stream(status, headers, body)) co_return ec;
        co_return co_await finish_stream(headers);
    }
    if (auto ec = prepare_response(status, headers, body)) co_return ec;
    // Written here, not in a shared helper coroutine: that would cost a frame per response.
    std::string_view head = head_buf_;
    std::string_view none;
    error_code ec;
    if (!write_now(head, body, none, ec)) ec = co_await write(head, body);
    if (!ec) response_done_ = true;
    co_return ec;
}

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::send_response(
    int status, std::span<const protocol::HttpField> headers, std::string_view body) {
    if (auto ec = check_final_status(status)) co_return ec;
    if (find_value(headers, "trailer") && http11_ && !is_head_ && !status_has_no_body(status)) {
        // Trailers go through the stream path, which keeps Fields (rare: copy once).
        Fields fields;
        fields.reserve(headers.size());
        for (const auto& h : headers) fields.add(std::string(h.name), std::string(h.value));
        co_return co_await send_response(status, fields, body);
    }
    if (auto ec = prepare_response(status, headers, body)) co_return ec;
    // Written here, not in a shared helper coroutine: that would cost a frame per response.
    std::string_view head = head_buf_;
    std::string_view none;
    error_code ec;
    if (!write_now(head, body, none, ec)) ec = co_await write(head, body);
    if (!ec) response_done_ = true;
    co_return ec;
}

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::start_stream(
    int status, const Fields& headers, std::string_view first_chunk) {
    if (auto ec = check_final_status(status)) co_return ec;
    status_ = status;
    declare_trailers(headers);
    std::uint64_t length = 0;
    if (is_head_ || status_has_no_body(status)) {
        mode_ = BodyMode::kNone;
        if (is_head_ && !status_has_no_body(status)) {
            if (const std::string* cl = headers.find("content-length")) {
                if (auto v = parse_length(*cl)) {
                    mode_ = BodyMode::kFixed;  // announce it; no bytes follow for HEAD
                    length = *v;
                }
            }
        }
        build_head(status, headers, mode_, length);
        mode_ = BodyMode::kNone;
        head_sent_ = true;
        co_return co_await write(head_buf_);
    }
    const std::string* cl = headers.find("content-length");
    std::optional<std::uint64_t> declared = cl ? parse_length(*cl) : std::nullopt;
    if (declared && trailers_.empty()) {
        mode_ = BodyMode::kFixed;
        length = *declared;
        fixed_remaining_ = *declared;
    } else if (http11_) {
        mode_ = BodyMode::kChunked;
    } else {
        mode_ = BodyMode::kUntilClose;
        trailers_.clear();
    }
    build_head(status, headers, mode_, length);
    head_sent_ = true;
    if (first_chunk.empty()) co_return co_await write(head_buf_);
    if (mode_ == BodyMode::kChunked) {
        char size_line[24];
        int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", first_chunk.size());
        head_buf_.append(size_line, static_cast<std::size_t>(n));
        co_return co_await write(head_buf_, first_chunk, "\r\n");
    }
    if (mode_ == BodyMode::kFixed) {
        if (first_chunk.size() > fixed_remaining_) {
            first_chunk = first_chunk.substr(0, static_cast<std::size_t>(fixed_remaining_));
            close_after_ = true;
        }
        fixed_remaining_ -= first_chunk.size();
    }
    co_return co_await write(head_buf_, first_chunk);
}

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::send_chunk(std::string_view data) {
    if (!head_sent_ || response_done_) {
        co_return make_error_code(rr::errc::kHttpBadWorkerResponse);
    }
    if (client_gone_) co_return make_error_code(asio::error::broken_pipe);
    if (data.empty()) co_return error_code{};  // an empty chunk would end a chunked body
    switch (mode_) {
        case BodyMode::kNone:
            co_return error_code{};
        case BodyMode::kChunked: {
            char size_line[24];
            int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", data.size());
            std::string_view size(size_line, static_cast<std::size_t>(n));
            std::string_view crlf = "\r\n";
            error_code ec;
            if (!write_now(size, data, crlf, ec)) ec = co_await write(size, data, crlf);
            co_return ec;
        }
        case BodyMode::kFixed:
            if (data.size() > fixed_remaining_) {
                data = data.substr(0, static_cast<std::size_t>(fixed_remaining_));
                close_after_ = true;
            }
            fixed_remaining_ -= data.size();
            if (data.empty()) co_return error_code{};
            break;
        case BodyMode::kUntilClose:
            break;
    }
    std::string_view none1;
    std::string_view none2;
    error_code ec;
    if (!write_now(data, none1, none2, ec)) ec = co_await write(data);
    co_return ec;
}

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::finish_stream(const Fields& headers) {
    if (!head_sent_ || response_done_) {
        co_return make_error_code(rr::errc::kHttpBadWorkerResponse);
    }
    if (client_gone_) co_return make_error_code(asio::error::broken_pipe);
    error_code ec;
    switch (mode_) {
        case BodyMode::kChunked: {
            update_trailers(headers);
            head_buf_.assign("0\r\n");
            for (const auto& t : trailers_) {
                if (!t.value.empty()) append_field(head_buf_, t.name, t.value);
            }
            head_buf_.append("\r\n");
            std::string_view last = head_buf_;
            std::string_view none1;
            std::string_view none2;
            if (!write_now(last, none1, none2, ec)) ec = co_await write(last);
            break;
        }
        case BodyMode::kFixed:
            if (fixed_remaining_ != 0) close_after_ = true;  // the client sees a short body
            break;
        case BodyMode::kUntilClose:
            close_after_ = true;
            break;
        case BodyMode::kNone:
            break;
    }
    if (!ec) response_done_ = true;
    co_return ec;
}

}  // namespace rr::http::h1
