#pragma once
// ResponseWriter: how a Handler answers. Fits a worker that answers with a sequence of frames:
//
//   frame with 1xx status (not 101)   → send_interim(status, frame headers)   (any number)
//   single final frame                → send_response(status, headers, body)  (one write)
//   first final frame with STREAM     → start_stream(status, headers, body)
//   later STREAM frames               → send_chunk(body)       (each written and flushed)
//   last frame (no STREAM)            → send_chunk(body), finish_stream(frame headers)
//
// A write error (client gone, write timeout) is returned by the call and client_gone() turns
// true; the pool then STOPs the worker's stream. Handler headers: names must be tokens (others
// are skipped), CR/LF in values become spaces; Content-Length, Transfer-Encoding and
// Connection are decided by the connection ("Connection: close" from the handler is honoured).
// A `Trailer` header declares trailers: the named fields are held back from the head and sent
// after the last chunk (values from the head, update_trailers() or finish_stream()).
// Streamed bodies use chunked encoding on HTTP/1.1 unless the handler gives a Content-Length;
// HTTP/1.0 clients get a close-delimited body and no interim responses.
// HEAD responses carry the head only (Content-Length = the body given, or the handler's own).
//
// send_file(status, headers, file) sends a byte range of an open file as the whole body, with
// Content-Length = file.length. The default implementation (any transport) reads it in bounded
// chunks (kSendFileChunk) through start_stream/send_chunk/finish_stream; a transport may
// override it (plain-TCP HTTP/1.1 uses sendfile(2), no copy through user space). A file that
// ends before `length` bytes fails the call (boost errc::io_error) after the head went out, so
// the connection closes and the client sees a short body.
//
// Errors: kHttpBadWorkerStatus (status outside 100..199 for send_interim, 101, or outside
// 200..599 for a final response; nothing is written), kHttpBadWorkerResponse (call out of
// order, e.g. a second head), socket errors, kHttpTimeout.
// Executor: the connection's I/O thread only; valid during Handler::handle() only.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "http/fields.h"
#include "protocol/http_payload.h"

namespace rr::http {

/// A byte range of an open file, for ResponseWriter::send_file.
struct FileRange {
    int fd = -1;  ///< open for reading; owned by the caller, valid until the call completes
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

/// Read size of the default send_file (bounded memory per response).
inline constexpr std::size_t kSendFileChunk = 128 * 1024;

class ResponseWriter {
public:
    using error_code = boost::system::error_code;

    virtual boost::asio::awaitable<error_code> send_interim(int status, const Fields& headers) = 0;
    virtual boost::asio::awaitable<error_code> send_response(int status, const Fields& headers,
                                                             std::string_view body) = 0;
    /// The same with the head as borrowed views (a worker's decoded response head), so the
    /// caller need not copy every name and value into Fields. The views must stay valid until
    /// the call completes.
    virtual boost::asio::awaitable<error_code> send_response(
        int status, std::span<const protocol::HttpField> headers, std::string_view body) = 0;
    virtual boost::asio::awaitable<error_code> start_stream(int status, const Fields& headers,
                                                            std::string_view first_chunk) = 0;
    virtual boost::asio::awaitable<error_code> send_chunk(std::string_view data) = 0;
    /// `headers` supplies values for the declared trailers (other fields are ignored).
    virtual boost::asio::awaitable<error_code> finish_stream(const Fields& headers) = 0;
    /// Takes trailer values from a later frame's headers without writing anything.
    virtual void update_trailers(const Fields& headers) = 0;
    /// See the file comment. `headers` as for send_response; a Content-Length among them is
    /// replaced by file.length.
    virtual boost::asio::awaitable<error_code> send_file(int status, const Fields& headers,
                                                         FileRange file);

    /// True once a final head was written (a failure can then only close the connection).
    virtual bool head_sent() const noexcept = 0;
    /// True once the response is complete (send_response or finish_stream succeeded).
    virtual bool response_complete() const noexcept = 0;
    /// True once a write failed or timed out: stop producing output.
    virtual bool client_gone() const noexcept = 0;

protected:
    ~ResponseWriter() = default;
};

}  // namespace rr::http
