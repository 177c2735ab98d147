#include "transport/relay.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>

namespace rr::transport {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kGarbageMax = 512;

void set_nonblocking(int fd) noexcept {
    int fl = ::fcntl(fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK) == 0) {
        ::fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
}

boost::system::error_code errno_code(int e) noexcept {
    return {e, boost::system::system_category()};
}

/// Reads from the non-blocking `fd` into dst[got, cap) until at least `min` bytes are there
/// (`got` advances). Returns {} then, asio::error::would_block when the pipe runs dry first,
/// kWorkerExited at end of file, otherwise the errno.
boost::system::error_code read_at_least(int fd, char* dst, std::size_t min, std::size_t cap,
                                        std::size_t& got) {
    while (got < min) {
        const ssize_t r = ::read(fd, dst + got, cap - got);
        if (r > 0) {
            got += static_cast<std::size_t>(r);
            continue;
        }
        if (r == 0) {
            return make_error_code(errc::kWorkerExited);
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return asio::error::would_block;
        }
        return errno_code(errno);
    }
    return {};
}

}  // namespace

Relay::Relay(Executor ex, UniqueFd read_fd, UniqueFd write_fd) : in_(ex), out_(ex) {
    set_nonblocking(read_fd.get());
    set_nonblocking(write_fd.get());
    in_.assign(read_fd.release());
    out_.assign(write_fd.release());
}

std::unique_ptr<Relay> Relay::from_socket(Executor ex, UniqueFd socket) {
    UniqueFd dup_fd(::fcntl(socket.get(), F_DUPFD_CLOEXEC, 0));
    return std::make_unique<Relay>(ex, std::move(socket), std::move(dup_fd));
}

boost::system::error_code Relay::try_write_frame(std::uint8_t flags, std::uint8_t byte10,
                                                 std::span<const std::uint32_t> options,
                                                 std::span<const std::string_view> parts) {
    std::size_t payload_size = 0;
    for (auto p : parts) {
        payload_size += p.size();
    }
    if (payload_size > 0xFFFFFFFFu || options.size() > protocol::kMaxWriteOptions) {
        return make_error_code(errc::kFrameTooLarge);
    }
    const std::size_t header_size = protocol::encode_header(
        out_header_, flags, byte10, options, static_cast<std::uint32_t>(payload_size));
    std::size_t n = 0;
    iov_[n++] = {out_header_.data(), header_size};
    for (auto p : parts) {
        if (!p.empty() && n < kMaxIov) {
            iov_[n++] = {const_cast<char*>(p.data()), p.size()};
        }
    }
    iov_first_ = 0;
    iov_count_ = n;
    return write_pending();
}

boost::system::error_code Relay::write_pending() noexcept {
    const int fd = out_.native_handle();
    while (iov_first_ < iov_count_) {
        ssize_t w =
            ::writev(fd, iov_.data() + iov_first_, static_cast<int>(iov_count_ - iov_first_));
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return asio::error::would_block;
            }
            const int e = errno;
            iov_first_ = iov_count_ = 0;
            return errno_code(e);
        }
        auto written = static_cast<std::size_t>(w);
        while (iov_first_ < iov_count_ && written >= iov_[iov_first_].iov_len) {
            written -= iov_[iov_first_].iov_len;
            ++iov_first_;
        }
        if (iov_first_ < iov_count_) {
            iov_[iov_first_].iov_base = static_cast<char*>(iov_[iov_first_].iov_base) + written;
            iov_[iov_first_].iov_len -= written;
        }
    }
    iov_first_ = iov_count_ = 0;
    return {};
}

Awaitable<boost::system::error_code> Relay::finish_write() {
    for (;;) {
        auto ec = write_pending();
        if (ec != asio::error::would_block) {
            co_return ec;
        }
        co_await out_.async_wait(Descriptor::wait_write,
                                 asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            iov_first_ = iov_count_ = 0;
            co_return ec;
        }
    }
}

Awaitable<boost::system::error_code> Relay::write_frame(std::uint8_t flags, std::uint8_t byte10,
                                                        std::span<const std::uint32_t> options,
                                                        std::span<const std::string_view> parts) {
    auto ec = try_write_frame(flags, byte10, options, parts);
    if (ec == asio::error::would_block) {
        ec = co_await finish_write();
    }
    co_return ec;
}

void Relay::prepare_buffer(std::size_t want) {
    if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (buf_.size() < std::max(want, kReadChunk)) {
        buf_.resize(std::max(want, kReadChunk));
    }
}

boost::system::error_code Relay::buffer_now(std::size_t want) {
    prepare_buffer(want);
    return read_at_least(in_.native_handle(), buf_.data(), want, buf_.size(), end_);
}

Result<protocol::FrameHeader> Relay::decode_buffered_header(std::size_t max_payload) {
    auto head = std::as_bytes(std::span<const char>(buf_.data() + begin_, end_ - begin_));
    auto hdr = protocol::decode_header(head, max_payload);
    if (!hdr) {
        garbage_.assign(buf_.data() + begin_, std::min(end_ - begin_, kGarbageMax));
        begin_ = end_ = 0;
    }
    return hdr;
}

Awaitable<boost::system::error_code> Relay::read_exact(char* dst, std::size_t n) {
    const int fd = in_.native_handle();
    std::size_t got = 0;
    for (;;) {
        auto ec = read_at_least(fd, dst, n, n, got);
        if (ec != asio::error::would_block) {
            co_return ec;
        }
        auto [wait_ec, got_now] = co_await wait_and_read(dst + got, n - got);
        if (wait_ec) {
            co_return wait_ec;
        }
        got += got_now;
    }
}

Awaitable<std::pair<boost::system::error_code, std::size_t>> Relay::wait_and_read(char* dst,
                                                                                  std::size_t n) {
    // async_read_some rather than async_wait(wait_read): Boost 1.74's epoll reactor re-arms the
    // descriptor with epoll_ctl() on every async_wait (~1 µs, a sixth of a pipe round trip),
    // while a read op on the already registered descriptor costs only the read itself.
    boost::system::error_code ec;
    std::size_t got = co_await in_.async_read_some(asio::buffer(dst, n),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::eof) {
        co_return std::pair{make_error_code(errc::kWorkerExited), std::size_t{0}};
    }
    co_return std::pair{ec, got};
}

Awaitable<Result<Frame>> Relay::read_frame(std::size_t max_payload, bool speculative) {
    // One coroutine frame for the common case: the header and options are read here (direct
    // read() first unless told the answer cannot be there yet, then async_read_some), only a
    // payload larger than what arrived with the header goes through read_exact().
    Frame frame;
    bool have_header = false;
    std::size_t want = protocol::kHeaderSize;
    bool direct = speculative || end_ > begin_;
    for (;;) {
        if (end_ - begin_ >= want) {
            if (have_header) {
                break;
            }
            auto hdr = decode_buffered_header(max_payload);
            if (!hdr) {
                co_return hdr.error();
            }
            frame.header = hdr.value();
            have_header = true;
            want = protocol::kHeaderSize + 4u * frame.header.option_count;
            continue;
        }
        if (direct) {
            auto ec = buffer_now(want);
            if (!ec) {
                continue;
            }
            if (ec != asio::error::would_block) {
                co_return ec;
            }
        } else {
            prepare_buffer(want);
        }
        direct = true;
        boost::system::error_code read_ec;
        const std::size_t got = co_await read_more(read_ec);
        if (auto ec = commit_read(got, read_ec); ec) {
            co_return ec;
        }
    }
    const std::size_t opt_bytes = 4u * frame.header.option_count;
    for (std::size_t i = 0; i < frame.header.option_count; ++i) {
        const auto* p = reinterpret_cast<const unsigned char*>(buf_.data() + begin_ +
                                                               protocol::kHeaderSize + 4 * i);
        frame.options[i] =
            static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
            static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
    }
    begin_ += protocol::kHeaderSize + opt_bytes;
    const std::size_t size = frame.header.payload_size;
    frame.payload.resize(size);
    const std::size_t buffered = std::min(size, end_ - begin_);
    std::memcpy(frame.payload.data(), buf_.data() + begin_, buffered);
    begin_ += buffered;
    if (begin_ == end_) {
        begin_ = end_ = 0;
    }
    if (buffered < size) {
        // Large payloads go straight into the frame, not through the buffer.
        if (auto ec = co_await read_exact(frame.payload.data() + buffered, size - buffered); ec) {
            co_return ec;
        }
    }
    co_return frame;
}

Result<Frame> Relay::try_read_frame(std::size_t max_payload, bool direct) {
    large_pending_ = false;
    std::size_t want = protocol::kHeaderSize;
    if (end_ - begin_ < want) {
        if (!direct) {
            return make_error_code(asio::error::would_block);
        }
        if (auto ec = buffer_now(want); ec) {
            return ec;
        }
    }
    auto hdr = decode_buffered_header(max_payload);
    if (!hdr) {
        return hdr.error();
    }
    const std::size_t opt_bytes = 4u * hdr.value().option_count;
    want = protocol::kHeaderSize + opt_bytes + hdr.value().payload_size;
    if (want > std::max(buf_.size(), kReadChunk)) {
        large_pending_ = true;
        return make_error_code(asio::error::would_block);
    }
    if (end_ - begin_ < want) {
        if (auto ec = buffer_now(want); ec) {  // also makes room for the whole frame
            return ec;
        }
    }
    Frame frame;
    frame.header = hdr.value();
    const char* p = buf_.data() + begin_ + protocol::kHeaderSize;
    for (std::size_t i = 0; i < frame.header.option_count; ++i, p += 4) {
        const auto* u = reinterpret_cast<const unsigned char*>(p);
        frame.options[i] =
            static_cast<std::uint32_t>(u[0]) | static_cast<std::uint32_t>(u[1]) << 8 |
            static_cast<std::uint32_t>(u[2]) << 16 | static_cast<std::uint32_t>(u[3]) << 24;
    }
    frame.payload.assign(p, frame.header.payload_size);
    begin_ += want;
    if (begin_ == end_) {
        begin_ = end_ = 0;
    }
    return frame;
}

Awaitable<std::size_t> Relay::read_more(boost::system::error_code& ec) {
    prepare_buffer(end_ - begin_ + 1);
    return in_.async_read_some(asio::buffer(buf_.data() + end_, buf_.size() - end_),
                               asio::redirect_error(asio::use_awaitable, ec));
}

boost::system::error_code Relay::commit_read(std::size_t n, boost::system::error_code ec) noexcept {
    if (ec == asio::error::eof) {
        return make_error_code(errc::kWorkerExited);
    }
    if (ec) {
        return ec;
    }
    end_ += n;
    return {};
}

void Relay::cancel() noexcept {
    boost::system::error_code ignored;
    in_.cancel(ignored);
    out_.cancel(ignored);
}

void Relay::close() noexcept {
    boost::system::error_code ignored;
    in_.close(ignored);
    out_.close(ignored);
}

void Relay::drain_garbage() noexcept {
    if (!in_.is_open()) {
        return;
    }
    char tmp[kGarbageMax];
    while (garbage_.size() < kGarbageMax) {
        ssize_t r = ::read(in_.native_handle(), tmp, kGarbageMax - garbage_.size());
        if (r <= 0) {
            break;
        }
        garbage_.append(tmp, static_cast<std::size_t>(r));
    }
}

}  // namespace rr::transport
