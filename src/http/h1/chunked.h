#pragma once
// Incremental decoder for an HTTP/1.1 chunked request body (RFC 9112 §7.1). Pure code, no I/O.
//
// Refused (kHttpBadRequest): a size line without hex digits, more than 16 hex digits, a bare CR
// or LF, a control character in a chunk extension, chunk data not followed by CRLF, obs-fold or
// a bare CR/LF in the trailer section, a size line or trailer section over its limit.
// Trailer fields are checked and discarded (RoadRunner does not pass request trailers on).
//
// Thread safety: one decoder per request; not shared.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.h"

namespace rr::http::h1 {

class ChunkedDecoder {
public:
    struct Step {
        std::size_t consumed = 0;  ///< bytes of the input used by this step
        std::string_view data;     ///< body bytes found (a slice of the input), may be empty
        bool done = false;         ///< the last chunk and the trailer section were read
        rr::errc error = rr::errc::kOk;
    };

    explicit ChunkedDecoder(std::size_t max_trailer_bytes = 64 * 1024) noexcept
        : max_trailer_bytes_(max_trailer_bytes) {}

    /// Consumes a prefix of `in`. Returns at most one slice of body data per call; call again
    /// with the rest of the input. A step with consumed == in.size(), no data and !done means
    /// more input is needed. After `done` or an error, further calls return the same state.
    Step next(std::string_view in) noexcept;

    bool done() const noexcept { return state_ == State::kDone; }
    bool failed() const noexcept { return state_ == State::kError; }
    /// The size of the chunk being read, for limit checks before its data arrives.
    std::uint64_t pending_chunk_bytes() const noexcept { return remaining_; }

private:
    enum class State {
        kSizeStart,  ///< expecting the first hex digit
        kSize,       ///< in hex digits
        kSizeWs,     ///< after digits: BWS before ';' or CR
        kExt,        ///< inside chunk extensions
        kSizeLf,     ///< saw CR of the size line
        kData,
        kDataCr,
        kDataLf,
        kTrailerStart,  ///< at the start of a trailer line (or the final CRLF)
        kTrailerLine,
        kTrailerLf,
        kEndLf,
        kDone,
        kError,
    };
    static constexpr std::size_t kMaxSizeLine = 4096;

    State state_ = State::kSizeStart;
    std::uint64_t remaining_ = 0;
    std::size_t digits_ = 0;
    std::size_t line_bytes_ = 0;
    std::size_t trailer_bytes_ = 0;
    std::size_t max_trailer_bytes_;
};

}  // namespace rr::http::h1
