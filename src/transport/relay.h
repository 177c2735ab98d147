#pragma once
// Relay: whole goridge frames to and from one worker, over a pipe pair (worker stdin/stdout) or
// one connected socket (tcp:// or unix://). ../shared/spec/PROTOCOL.md §1.5, §2.1.
//
// Writes: every frame goes out with ONE writev() (header + options + payload), tried directly on
// the non-blocking fd; only when the kernel buffer is full does the rest wait for writability.
// PHP's StreamRelay does fread(12) once and fails on a short header, so a header is never split
// from its options/payload by us. Reads: direct non-blocking read() first, async wait only on
// EAGAIN, so a request/answer round trip costs no trip through the scheduler when the answer is
// already there.
//
// Thread safety / executor: io_context thread only. At most one read and one write in flight.
// Errors (error_code with rr::errc or errno):
//   kWorkerExited      EOF (the worker closed its end or died), also mid-frame
//   kFrameCrcMismatch, kFrameBadHeaderLength, kFrameTooLarge  (protocol/frame.h decode_header)
//   asio::error::operation_aborted  cancel() was called (timeouts use this)
//   EPIPE / other errno from write()/read()

#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "protocol/frame.h"
#include "transport/types.h"
#include "transport/unique_fd.h"

namespace rr::transport {

/// One received frame; owns its bytes.
struct Frame {
    protocol::FrameHeader header;
    std::array<std::uint32_t, protocol::kMaxReadOptions> options{};
    std::string payload;  ///< bytes after the options

    std::span<const std::uint32_t> option_span() const noexcept {
        return {options.data(), header.option_count};
    }
};

class Relay {
public:
    /// Pipes: `read_fd` is the worker's stdout (our read end), `write_fd` its stdin (our write
    /// end). Sockets: pass the same connected fd as both (it is dup()ed internally).
    /// Both fds are switched to O_NONBLOCK; ownership moves in.
    Relay(Executor ex, UniqueFd read_fd, UniqueFd write_fd);
    Relay(const Relay&) = delete;
    Relay& operator=(const Relay&) = delete;
    // Not movable: Boost 1.74's stream_descriptor move constructor does not compile for a
    // non-default executor. Hold relays by unique_ptr.
    ~Relay() = default;

    Executor executor() noexcept { return in_.get_executor(); }

    /// Creates a relay over one connected socket.
    static std::unique_ptr<Relay> from_socket(Executor ex, UniqueFd socket);

    /// Sends one frame: header(flags, byte10, options) + concatenation of `parts`.
    /// Completes when every byte is in the kernel.
    Awaitable<boost::system::error_code> write_frame(std::uint8_t flags, std::uint8_t byte10,
                                                     std::span<const std::uint32_t> options,
                                                     std::span<const std::string_view> parts);

    /// The synchronous start of write_frame(), for callers that must not suspend (or want to
    /// skip a coroutine frame): one writev() now. Returns {} when the whole frame is in the
    /// kernel; asio::error::would_block when the pipe is full and part of it is left, which
    /// co_await finish_write() sends (the bytes of `parts` must stay valid until then, and no
    /// other write may start before); or the write error (EPIPE, ...) / kFrameTooLarge.
    boost::system::error_code try_write_frame(std::uint8_t flags, std::uint8_t byte10,
                                              std::span<const std::uint32_t> options,
                                              std::span<const std::string_view> parts);
    /// Sends what try_write_frame() left (waits for writability). {} when nothing is left.
    Awaitable<boost::system::error_code> finish_write();

    /// Reads the next frame (payload up to `max_payload` bytes). With `speculative` (default)
    /// a non-blocking read() is tried first; pass false right after sending a request, when
    /// the answer cannot be there yet, to wait for readability first and save a failed read().
    Awaitable<Result<Frame>> read_frame(std::size_t max_payload, bool speculative = true);

    /// The synchronous form of read_frame(), for callers that await the reactor themselves
    /// (saves read_frame's coroutine frame on the hot path). Decodes one whole frame from the
    /// buffer, first reading directly when `direct`. Returns the frame; or
    /// asio::error::would_block with nothing consumed: then, if large_frame_pending(), call
    /// read_frame() (the payload goes straight into the frame), else co_await read_more(ec),
    /// pass the result to commit_read() and try again; or the errors of read_frame().
    Result<Frame> try_read_frame(std::size_t max_payload, bool direct);
    /// After try_read_frame() gave would_block: the frame's header says it does not fit the
    /// read buffer.
    bool large_frame_pending() const noexcept { return large_pending_; }
    /// One async_read_some into the read buffer (Asio tries a read() first, then waits for
    /// readability). Not a coroutine: the caller co_awaits the operation itself, then calls
    /// commit_read(bytes, ec).
    Awaitable<std::size_t> read_more(boost::system::error_code& ec);
    /// Accounts for read_more()'s bytes. Returns {} or the error (EOF: kWorkerExited).
    boost::system::error_code commit_read(std::size_t n, boost::system::error_code ec) noexcept;

    /// Aborts pending reads/writes (they complete with operation_aborted).
    void cancel() noexcept;
    /// Closes both directions.
    void close() noexcept;

    /// Bytes read that failed to decode (for "possible echo" diagnostics), at most 512.
    const std::string& garbage() const noexcept { return garbage_; }
    /// After a decode error: reads whatever more is immediately available (non-blocking) into
    /// garbage(), up to 512 bytes, to show in the log what the worker printed.
    void drain_garbage() noexcept;

private:
    /// Moves buffered bytes to the front and makes room for at least `want` bytes.
    void prepare_buffer(std::size_t want);
    /// Reads without waiting until `want` bytes are buffered: {}, would_block, kWorkerExited
    /// (EOF) or the read() errno.
    boost::system::error_code buffer_now(std::size_t want);
    /// Decodes the frame header at the front of the buffer; on an error keeps the bytes for
    /// garbage() and empties the buffer.
    Result<protocol::FrameHeader> decode_buffered_header(std::size_t max_payload);
    Awaitable<boost::system::error_code> read_exact(char* dst, std::size_t n);
    Awaitable<std::pair<boost::system::error_code, std::size_t>> wait_and_read(char* dst,
                                                                               std::size_t n);

    /// Writes iov_[iov_first_, iov_count_) without blocking; would_block when some is left.
    boost::system::error_code write_pending() noexcept;

    Descriptor in_;
    Descriptor out_;
    // The frame being written: header bytes + iovecs over them and the caller's parts.
    std::array<std::byte, protocol::kMaxHeaderSize> out_header_{};
    static constexpr std::size_t kMaxIov = 8;
    std::array<iovec, kMaxIov> iov_{};
    std::size_t iov_first_ = 0;
    std::size_t iov_count_ = 0;
    std::vector<char> buf_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::string garbage_;
    bool large_pending_ = false;
};

}  // namespace rr::transport
