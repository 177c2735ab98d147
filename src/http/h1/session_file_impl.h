#pragma once
// h1::Session<Stream>::send_file (h1/session.h): small files inline with the head, large ones
// through sendfile(2) where the stream allows it. Included by h1/session_impl.h only.

#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "http/h1/session.h"

namespace rr::http::h1 {

namespace session_detail {

/// Files up to this size go out with their head in one write (one packet for small assets);
/// larger ones through sendfile(2) where the stream allows it.
inline constexpr std::uint64_t kInlineFileMax = 16 * 1024;
/// At most this much per sendfile(2) call (the kernel caps a call at ~2 GiB anyway).
inline constexpr std::uint64_t kSendfileMax = 1u << 30;

/// Whether a stream type offers sendfile(2) (server/plain_stream.h).
template <class Stream>
constexpr bool stream_has_sendfile() {
    if constexpr (requires { Stream::kSendfile; }) {
        return Stream::kSendfile;
    } else {
        return false;
    }
}

}  // namespace session_detail

// ---------------------------------------------------------------------------------------------
// send_file: small files inline, large ones zero-copy where the stream allows it

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::send_file(int status,
                                                                      const Fields& headers,
                                                                      FileRange file) {
    if (auto ec = check_final_status(status)) co_return ec;
    const bool no_body = status_has_no_body(status);
    if ((headers.contains("trailer") && http11_ && !no_body && !is_head_) ||
        (!stream_has_sendfile<Stream>() && file.length > kInlineFileMax && !no_body && !is_head_)) {
        // Trailers need the chunked stream path; streams without sendfile(2) read in pieces.
        co_return co_await ResponseWriter::send_file(status, headers, file);
    }
    trailers_.clear();
    status_ = status;
    build_head(status, headers, no_body ? BodyMode::kNone : BodyMode::kFixed, file.length);
    if (no_body || is_head_ || file.length == 0) {
        head_sent_ = true;
        std::string_view head = head_buf_;
        std::string_view none1;
        std::string_view none2;
        error_code ec;
        if (!write_now(head, none1, none2, ec)) ec = co_await write(head);
        if (!ec) response_done_ = true;
        co_return ec;
    }
    if (file.length <= kInlineFileMax) {
        // Read first: a read error leaves nothing written, so the connection can still answer.
        const std::size_t head_size = head_buf_.size();
        head_buf_.resize(head_size + static_cast<std::size_t>(file.length));
        std::size_t got = 0;
        while (got < file.length) {
            const ssize_t n = ::pread(file.fd, head_buf_.data() + head_size + got,
                                      static_cast<std::size_t>(file.length) - got,
                                      static_cast<off_t>(file.offset + got));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                head_buf_.resize(head_size);
                co_return boost::system::errc::make_error_code(boost::system::errc::io_error);
            }
            got += static_cast<std::size_t>(n);
        }
        head_sent_ = true;
        std::string_view all = head_buf_;
        std::string_view none1;
        std::string_view none2;
        error_code ec;
        if (!write_now(all, none1, none2, ec)) ec = co_await write(all);
        if (!ec) response_done_ = true;
        co_return ec;
    }
    head_sent_ = true;
    std::string_view head = head_buf_;
    std::string_view none1;
    std::string_view none2;
    error_code ec;
    if (!write_now(head, none1, none2, ec)) ec = co_await write(head);
    if (ec) co_return ec;
    ec = co_await send_file_body(file);
    if (!ec) response_done_ = true;
    co_return ec;
}

template <class Stream>
asio::awaitable<boost::system::error_code> Session<Stream>::send_file_body(FileRange file) {
    error_code ec;
    if constexpr (stream_has_sendfile<Stream>()) {
        const int sock = stream_.native_handle();
        auto offset = static_cast<off_t>(file.offset);
        std::uint64_t left = file.length;
        const auto saved_phase = phase_;
        phase_ = Phase::kWrite;
        while (left > 0) {
            if (client_gone_) {
                ec = make_error_code(asio::error::broken_pipe);
                break;
            }
            const ssize_t n = ::sendfile(sock, file.fd, &offset,
                                         static_cast<std::size_t>(std::min(left, kSendfileMax)));
            if (n > 0) {
                left -= static_cast<std::uint64_t>(n);
                bytes_written_ += static_cast<std::uint64_t>(n);
                continue;
            }
            if (n == 0) {  // the file ended before `length`: the client gets a short body
                ec = boost::system::errc::make_error_code(boost::system::errc::io_error);
                close_after_ = true;
                break;
            }
            const int err = errno;
            if (err == EINTR) continue;
            if (err == EAGAIN || err == EWOULDBLOCK) {
                // No progress for write_timeout while the socket stays full → timeout.
                set_deadline(state_->settings.write_timeout);
                co_await stream_.wait_writable(ec);
                deadline_ = Clock::time_point::max();
                if (timed_out_ || ec) {
                    if (timed_out_) ec = make_error_code(rr::errc::kHttpTimeout);
                    client_gone_ = true;
                    close_after_ = true;
                    break;
                }
                continue;
            }
            ec = error_code(err, boost::system::system_category());
            close_after_ = true;
            // A socket error means the client is gone; a read error on the file does not.
            if (err == EPIPE || err == ECONNRESET || err == ENOTCONN) client_gone_ = true;
            break;
        }
        phase_ = saved_phase;
    } else {
        (void)file;
        ec = make_error_code(rr::errc::kHttpBadWorkerResponse);  // not reached: see send_file
    }
    co_return ec;
}

}  // namespace rr::http::h1
