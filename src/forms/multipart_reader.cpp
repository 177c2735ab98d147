#include "forms/multipart_reader.h"

#include <algorithm>
#include <cstring>

#include "common/ascii.h"

namespace rr::forms {

namespace {

using rr::ascii::iequals;

// Slice size used when bytes must be appended to held-back data; keeps the copy bounded.
constexpr std::size_t kFeedSlice = 64 * 1024;

bool is_header_name_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) {
        return c == ' ';  // Go accepts a space before the colon (golang/go#34540)
    }
    return std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
}

std::string_view trim_lwsp(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// Start of the longest suffix of `data` that is a proper prefix of `delim`, or data.size().
// delim[0] (CR or LF) occurs nowhere else in delim, so only its last occurrence can start one.
std::size_t partial_match_start(std::string_view data, std::string_view delim) noexcept {
    const std::size_t window = std::min(data.size(), delim.size() - 1);
    const std::size_t from = data.size() - window;
    const void* hit = ::memrchr(data.data() + from, delim[0], window);
    if (hit == nullptr) {
        return data.size();
    }
    const auto pos = static_cast<std::size_t>(static_cast<const char*>(hit) - data.data());
    const std::size_t len = data.size() - pos;
    return std::memcmp(data.data() + pos, delim.data(), len) == 0 ? pos : data.size();
}

// Go's matchAfterPrefix: +1 delimiter, -1 not a delimiter, 0 need more bytes.
int match_after_prefix(std::string_view rest) noexcept {
    if (rest.empty()) {
        return 0;
    }
    const char c = rest[0];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        return 1;
    }
    if (c == '-') {
        if (rest.size() < 2) {
            return 0;
        }
        return rest[1] == '-' ? 1 : -1;
    }
    return -1;
}

}  // namespace

MultipartReader::MultipartReader(std::string_view boundary, const MultipartLimits& limits,
                                 MultipartSink& sink)
    : sink_(sink), limits_(limits), boundary_(boundary) {
    delimiter_ = "\r\n--";
    delimiter_ += boundary_;
}

boost::system::error_code MultipartReader::fail(boost::system::error_code ec) {
    state_ = State::kFailed;
    error_ = ec;
    buf_.clear();
    buf_.shrink_to_fit();
    return ec;
}

boost::system::error_code MultipartReader::feed(std::string_view chunk) {
    if (state_ == State::kFailed) {
        return error_;
    }
    boost::system::error_code ec;
    while (!chunk.empty()) {
        if (buf_.empty()) {
            const std::size_t used = process(chunk, ec);
            if (ec) {
                return fail(ec);
            }
            buf_.assign(chunk.substr(used));
            return {};
        }
        const std::size_t take = std::min(chunk.size(), kFeedSlice);
        buf_.append(chunk.data(), take);
        chunk.remove_prefix(take);
        const std::size_t used = process(buf_, ec);
        if (ec) {
            return fail(ec);
        }
        buf_.erase(0, used);
    }
    return {};
}

boost::system::error_code MultipartReader::finish() {
    if (state_ == State::kFailed) {
        return error_;
    }
    if (state_ != State::kEpilogue) {
        return fail(make_error_code(errc::kFormTruncated));
    }
    return {};
}

boost::system::error_code MultipartReader::begin_headers() {
    ++parts_;
    if (parts_ > limits_.max_parts) {
        return make_error_code(errc::kFormTooLarge);
    }
    state_ = State::kHeaders;
    header_bytes_ = 0;
    last_header_ = Tracked::kNone;
    have_disposition_ = false;
    have_type_ = false;
    seen_header_line_ = false;
    headers_.content_disposition.clear();
    headers_.content_type.clear();
    return {};
}

boost::system::error_code MultipartReader::header_line(std::string_view line) {
    if (line.front() == ' ' || line.front() == '\t') {
        // Continuation of the previous header (obsolete folding); joined with one space.
        if (!seen_header_line_) {
            return make_error_code(errc::kFormMalformed);  // the first line cannot continue
        }
        std::string* target = last_header_ == Tracked::kDisposition ? &headers_.content_disposition
                              : last_header_ == Tracked::kType      ? &headers_.content_type
                                                                    : nullptr;
        const std::string_view more = trim_lwsp(line);
        if (target != nullptr && !more.empty()) {
            if (!target->empty()) {
                *target += ' ';
            }
            target->append(more);
        }
        return {};
    }
    const std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) {
        return make_error_code(errc::kFormMalformed);
    }
    const std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_header_name_char)) {
        return make_error_code(errc::kFormMalformed);
    }
    seen_header_line_ = true;
    const std::string_view value = trim_lwsp(line.substr(colon + 1));
    last_header_ = Tracked::kNone;
    if (!have_disposition_ && iequals(name, "content-disposition")) {
        have_disposition_ = true;
        headers_.content_disposition.assign(value);
        last_header_ = Tracked::kDisposition;
    } else if (!have_type_ && iequals(name, "content-type")) {
        have_type_ = true;
        headers_.content_type.assign(value);
        last_header_ = Tracked::kType;
    }
    return {};
}

std::size_t MultipartReader::process(std::string_view d, boost::system::error_code& ec) {
    std::size_t i = 0;
    while (true) {
        const std::string_view avail = d.substr(i);
        // `--boundary`; the delimiter loses its CR when the first boundary line picks LF mode.
        const std::string_view dash = std::string_view(delimiter_).substr(lf_only_ ? 1 : 2);
        switch (state_) {
            case State::kPreamble: {
                const std::size_t n = std::min(avail.size(), dash.size());
                if (avail.compare(0, n, dash, 0, n) != 0) {
                    state_ = State::kPreambleSkipLine;
                    break;
                }
                if (avail.size() < dash.size()) {
                    return i;
                }
                i += dash.size();
                from_preamble_ = true;
                state_ = State::kAfterBoundary;
                break;
            }
            case State::kPreambleSkipLine: {
                const void* nl = std::memchr(avail.data(), '\n', avail.size());
                if (nl == nullptr) {
                    return d.size();
                }
                i += static_cast<std::size_t>(static_cast<const char*>(nl) - avail.data()) + 1;
                state_ = State::kPreamble;
                break;
            }
            case State::kAfterBoundary: {
                if (avail.empty()) {
                    return i;
                }
                if (avail[0] == '-') {
                    if (avail.size() < 2) {
                        return i;
                    }
                    if (avail[1] == '-') {
                        state_ = State::kEpilogue;
                        return d.size();
                    }
                    if (from_preamble_) {
                        state_ = State::kPreambleSkipLine;
                        break;
                    }
                    ec = make_error_code(errc::kFormMalformed);
                    return i;
                }
                lwsp_bytes_ = 0;
                state_ = State::kBoundaryLwsp;
                break;
            }
            case State::kBoundaryLwsp: {
                std::size_t n = 0;
                while (n < avail.size() && (avail[n] == ' ' || avail[n] == '\t')) {
                    ++n;
                }
                i += n;
                lwsp_bytes_ += n;
                if (lwsp_bytes_ > limits_.max_header_bytes) {
                    ec = make_error_code(errc::kFormTooLarge);
                    return i;
                }
                if (n == avail.size()) {
                    return i;
                }
                const char c = avail[n];
                bool ok = false;
                std::size_t eol = 0;
                if (c == '\n' && (lf_only_ || from_preamble_)) {
                    ok = true;
                    eol = 1;
                    if (!lf_only_) {
                        lf_only_ = true;  // Go: a bare LF on the first boundary line
                        delimiter_.erase(0, 1);
                    }
                } else if (c == '\r' && !lf_only_) {
                    if (avail.size() < n + 2) {
                        return i;
                    }
                    ok = avail[n + 1] == '\n';
                    eol = 2;
                }
                if (!ok) {
                    if (from_preamble_) {
                        state_ = State::kPreambleSkipLine;
                        break;
                    }
                    ec = make_error_code(errc::kFormMalformed);
                    return i;
                }
                i += eol;
                from_preamble_ = false;
                if ((ec = begin_headers())) {
                    return i;
                }
                break;
            }
            case State::kHeaders: {
                const void* nl = std::memchr(avail.data(), '\n', avail.size());
                if (nl == nullptr) {
                    if (header_bytes_ + avail.size() > limits_.max_header_bytes) {
                        ec = make_error_code(errc::kFormTooLarge);
                    }
                    return i;
                }
                const auto len =
                    static_cast<std::size_t>(static_cast<const char*>(nl) - avail.data());
                header_bytes_ += len + 1;
                if (header_bytes_ > limits_.max_header_bytes) {
                    ec = make_error_code(errc::kFormTooLarge);
                    return i;
                }
                std::string_view line = avail.substr(0, len);
                if (!line.empty() && line.back() == '\r') {
                    line.remove_suffix(1);
                }
                i += len + 1;
                if (line.empty()) {
                    state_ = State::kBody;
                    body_started_ = false;
                    if ((ec = sink_.on_part_begin(headers_))) {
                        return i;
                    }
                    break;
                }
                if ((ec = header_line(line))) {
                    return i;
                }
                break;
            }
            case State::kBody: {
                if (!body_started_) {
                    // Go allows `--boundary` right at the start of a part body (empty part).
                    const std::size_t n = std::min(avail.size(), dash.size());
                    if (avail.compare(0, n, dash, 0, n) == 0) {
                        if (avail.size() < dash.size()) {
                            return i;
                        }
                        const int m = match_after_prefix(avail.substr(dash.size()));
                        if (m == 0) {
                            return i;
                        }
                        if (m > 0) {
                            if ((ec = sink_.on_part_end())) {
                                return i;
                            }
                            i += dash.size();
                            state_ = State::kAfterBoundary;
                            break;
                        }
                    }
                    body_started_ = true;
                }
                const std::string_view delim = delimiter_;
                std::size_t search = 0;
                std::size_t end = std::string_view::npos;  // start of the delimiter
                std::size_t hold = avail.size();           // bytes from here are held back
                while (true) {
                    const void* hit = search >= avail.size()
                                          ? nullptr
                                          : ::memmem(avail.data() + search, avail.size() - search,
                                                     delim.data(), delim.size());
                    if (hit == nullptr) {
                        hold = std::max(search, partial_match_start(avail, delim));
                        break;
                    }
                    const auto p =
                        static_cast<std::size_t>(static_cast<const char*>(hit) - avail.data());
                    const int m = match_after_prefix(avail.substr(p + delim.size()));
                    if (m > 0) {
                        end = p;
                        break;
                    }
                    if (m == 0) {
                        hold = p;
                        break;
                    }
                    search = p + 1;
                }
                const std::size_t data_len = end != std::string_view::npos ? end : hold;
                if (data_len > 0) {
                    if ((ec = sink_.on_part_data(avail.substr(0, data_len)))) {
                        return i;
                    }
                }
                if (end == std::string_view::npos) {
                    return i + hold;
                }
                if ((ec = sink_.on_part_end())) {
                    return i;
                }
                i += end + delim.size();
                from_preamble_ = false;
                state_ = State::kAfterBoundary;
                break;
            }
            case State::kEpilogue:
            case State::kFailed:
                return d.size();
        }
    }
}

}  // namespace rr::forms
