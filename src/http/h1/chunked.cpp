#include "http/h1/chunked.h"

#include <algorithm>

#include "common/percent.h"

namespace rr::http::h1 {

ChunkedDecoder::Step ChunkedDecoder::next(std::string_view in) noexcept {
    Step step;
    std::size_t i = 0;
    auto error = [&] {
        state_ = State::kError;
        step.consumed = i;
        step.error = rr::errc::kHttpBadRequest;
        return step;
    };
    if (state_ == State::kError) {
        step.error = rr::errc::kHttpBadRequest;
        return step;
    }
    while (i < in.size()) {
        char c = in[i];
        switch (state_) {
            case State::kSizeStart:
            case State::kSize: {
                int h = hex_value(c);
                if (h >= 0) {
                    if (++digits_ > 16) return error();
                    remaining_ = (remaining_ << 4) | static_cast<std::uint64_t>(h);
                    state_ = State::kSize;
                } else if (state_ == State::kSizeStart) {
                    return error();
                } else if (c == ' ' || c == '\t') {
                    state_ = State::kSizeWs;
                } else if (c == ';') {
                    state_ = State::kExt;
                } else if (c == '\r') {
                    state_ = State::kSizeLf;
                } else {
                    return error();
                }
                break;
            }
            case State::kSizeWs:
                if (c == ';') {
                    state_ = State::kExt;
                } else if (c == '\r') {
                    state_ = State::kSizeLf;
                } else if (c != ' ' && c != '\t') {
                    return error();
                }
                break;
            case State::kExt: {
                auto u = static_cast<unsigned char>(c);
                if (c == '\r') {
                    state_ = State::kSizeLf;
                } else if ((u < 0x20 && c != '\t') || u == 0x7f) {
                    return error();
                }
                break;
            }
            case State::kSizeLf:
                if (c != '\n') return error();
                digits_ = 0;
                line_bytes_ = 0;
                state_ = remaining_ == 0 ? State::kTrailerStart : State::kData;
                ++i;
                continue;
            case State::kData: {
                auto n =
                    static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
                step.data = in.substr(i, n);
                remaining_ -= n;
                i += n;
                if (remaining_ == 0) state_ = State::kDataCr;
                step.consumed = i;
                return step;
            }
            case State::kDataCr:
                if (c != '\r') return error();
                state_ = State::kDataLf;
                break;
            case State::kDataLf:
                if (c != '\n') return error();
                state_ = State::kSizeStart;
                ++i;
                continue;
            case State::kTrailerStart:
                if (c == '\r') {
                    state_ = State::kEndLf;
                } else if (c == ' ' || c == '\t' || c == '\n') {
                    return error();  // obs-fold or bare LF
                } else {
                    state_ = State::kTrailerLine;
                }
                break;
            case State::kTrailerLine: {
                auto u = static_cast<unsigned char>(c);
                if (c == '\r') {
                    state_ = State::kTrailerLf;
                } else if ((u < 0x20 && c != '\t') || u == 0x7f) {
                    return error();
                }
                break;
            }
            case State::kTrailerLf:
                if (c != '\n') return error();
                state_ = State::kTrailerStart;
                break;
            case State::kEndLf:
                if (c != '\n') return error();
                state_ = State::kDone;
                step.consumed = i + 1;
                step.done = true;
                return step;
            case State::kDone:
                step.consumed = i;
                step.done = true;
                return step;
            case State::kError:
                return error();
        }
        ++i;
        if (state_ == State::kSize || state_ == State::kSizeWs || state_ == State::kExt ||
            state_ == State::kSizeLf) {
            if (++line_bytes_ > kMaxSizeLine) return error();
        } else if (state_ == State::kTrailerLine || state_ == State::kTrailerLf ||
                   state_ == State::kTrailerStart || state_ == State::kEndLf) {
            if (++trailer_bytes_ > max_trailer_bytes_) return error();
        }
    }
    step.consumed = i;
    step.done = state_ == State::kDone;
    return step;
}

}  // namespace rr::http::h1
