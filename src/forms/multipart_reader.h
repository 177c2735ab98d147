#pragma once
// Streaming multipart/form-data framing (RFC 7578 / RFC 2046) with the tolerances of Go's
// mime/multipart reader, which RoadRunner uses. Bytes arrive in chunks of any size; part
// bodies are handed to a sink span by span as soon as they cannot be part of a boundary, so
// memory stays bounded by the header limit plus the boundary length, whatever the body size.
//
// Thread safety: one thread at a time per reader (it is driven by the connection that owns
// the request). No I/O.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.h"

namespace rr::forms {

/// The part headers the form layer needs; Go's Header.Get semantics (first value, trimmed).
struct PartHeaders {
    std::string content_disposition;  ///< "" when absent
    std::string content_type;         ///< "" when absent
};

/// Receives the parts of a multipart body, in order. Calls are per span, never per byte.
/// Returning an error stops the reader; feed()/finish() then return that error.
class MultipartSink {
public:
    virtual ~MultipartSink() = default;
    virtual boost::system::error_code on_part_begin(const PartHeaders& headers) = 0;
    /// A non-empty piece of the current part's body.
    virtual boost::system::error_code on_part_data(std::string_view data) = 0;
    virtual boost::system::error_code on_part_end() = 0;
};

struct MultipartLimits {
    /// Bytes of one part's header block (all lines with their line ends). Also bounds the
    /// whitespace allowed after a boundary.
    std::size_t max_header_bytes = 16 * 1024;
    /// Parts per body (Go's default multipartmaxparts is 1000).
    std::size_t max_parts = 1000;
};

/// Framing rules (Go's reader, except where noted):
/// - preamble lines before the first `--boundary` line are skipped;
/// - a boundary line is `--boundary`, optional spaces/tabs, then CRLF; a bare LF on the first
///   boundary line switches the body to LF line ends;
/// - inside a part, the delimiter is CRLF `--boundary` followed by space, tab, CR, LF or
///   `--`; anything else after it is part data. At the very start of a part body a
///   `--boundary` without the CRLF also ends the (empty) part;
/// - `--boundary--` ends the body; everything after it (the epilogue) is ignored. Unlike
///   Go we do not check the rest of that line;
/// - header lines end in CRLF or LF; lines starting with space/tab continue the previous one.
///
/// Errors: errc::kFormMalformed (header line without a colon or with a bad name, garbage
/// after a boundary, a continuation line first), errc::kFormTooLarge (header block over
/// max_header_bytes, more than max_parts parts), errc::kFormTruncated from finish() when the
/// body ended before the closing boundary (also for an empty body), or the sink's error.
class MultipartReader {
public:
    /// `boundary` must be non-empty (classify_body guarantees it). `sink` must outlive the
    /// reader.
    MultipartReader(std::string_view boundary, const MultipartLimits& limits, MultipartSink& sink);

    MultipartReader(const MultipartReader&) = delete;
    MultipartReader& operator=(const MultipartReader&) = delete;

    /// Consumes the next chunk of the body. After an error every later call returns it.
    boost::system::error_code feed(std::string_view chunk);

    /// Marks the end of the body. Returns kFormTruncated unless the closing boundary was seen.
    boost::system::error_code finish();

    /// True once the closing boundary was seen.
    bool complete() const noexcept { return state_ == State::kEpilogue; }

    /// Bytes currently held back between feed() calls (for tests of the memory bound).
    std::size_t buffered() const noexcept { return buf_.size(); }

private:
    enum class State {
        kPreamble,          // at the start of a preamble line
        kPreambleSkipLine,  // inside a preamble line that is not a boundary line
        kAfterBoundary,     // right after `--boundary`
        kBoundaryLwsp,      // skipping spaces/tabs before the boundary line's end
        kHeaders,           // at the start of a part header line
        kBody,              // inside a part body
        kEpilogue,          // after the closing boundary
        kFailed,
    };

    /// Processes `data`; returns how many bytes were consumed. Unconsumed bytes are those the
    /// reader must see again with more data after them.
    std::size_t process(std::string_view data, boost::system::error_code& ec);
    boost::system::error_code begin_headers();
    boost::system::error_code header_line(std::string_view line);
    boost::system::error_code fail(boost::system::error_code ec);

    MultipartSink& sink_;  // not owned; outlives the reader
    MultipartLimits limits_;
    std::string boundary_;
    std::string delimiter_;  // line end + "--" + boundary
    bool lf_only_ = false;   // LF line ends (chosen by the first boundary line)
    State state_ = State::kPreamble;
    bool from_preamble_ = true;  // the current boundary was found in the preamble
    bool body_started_ = false;  // bytes of the current part body were emitted
    std::size_t parts_ = 0;
    std::size_t header_bytes_ = 0;
    std::size_t lwsp_bytes_ = 0;
    enum class Tracked { kNone, kDisposition, kType } last_header_ = Tracked::kNone;
    bool have_disposition_ = false;
    bool have_type_ = false;
    bool seen_header_line_ = false;
    PartHeaders headers_;
    std::string buf_;  // held-back bytes; bounded (see the class comment)
    boost::system::error_code error_;
};

}  // namespace rr::forms
