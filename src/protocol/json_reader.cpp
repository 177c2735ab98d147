#include "protocol/json_reader.h"

#include <cstring>
#include <limits>

#include "common/percent.h"

namespace rr::protocol::detail {
namespace {

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

std::size_t put_utf8(char* out, std::uint32_t cp) noexcept {
    if (cp < 0x80) {
        out[0] = static_cast<char>(cp);
        return 1;
    }
    if (cp < 0x800) {
        out[0] = static_cast<char>(0xC0 | (cp >> 6));
        out[1] = static_cast<char>(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = static_cast<char>(0xE0 | (cp >> 12));
        out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[2] = static_cast<char>(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = static_cast<char>(0xF0 | (cp >> 18));
    out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[3] = static_cast<char>(0x80 | (cp & 0x3F));
    return 4;
}

}  // namespace

char* JsonScratch::reserve(std::size_t capacity, std::size_t bytes) {
    if (!data_) {
        data_ = std::make_unique<char[]>(capacity == 0 ? 1 : capacity);
        capacity_ = capacity;
        used_ = 0;
    }
    if (capacity_ - used_ < bytes) {
        return nullptr;
    }
    return data_.get() + used_;
}

char JsonReader::peek() noexcept {
    while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return c;
        }
        ++pos_;
    }
    return '\0';
}

bool JsonReader::consume(char c) noexcept {
    if (peek() == c && pos_ < text_.size()) {
        ++pos_;
        return true;
    }
    return false;
}

bool JsonReader::consume_literal(std::string_view word) noexcept {
    peek();
    if (text_.substr(pos_, word.size()) != word) {
        return false;
    }
    pos_ += word.size();
    return true;
}

bool JsonReader::consume_null() noexcept {
    return consume_literal("null");
}

bool JsonReader::read_bool(bool& out) noexcept {
    if (consume_literal("true")) {
        out = true;
        return true;
    }
    if (consume_literal("false")) {
        out = false;
        return true;
    }
    return false;
}

bool JsonReader::read_int64(std::int64_t& out) noexcept {
    peek();
    std::size_t p = pos_;
    bool negative = false;
    if (p < text_.size() && text_[p] == '-') {
        negative = true;
        ++p;
    }
    if (p >= text_.size() || !is_digit(text_[p])) {
        return false;
    }
    if (text_[p] == '0' && p + 1 < text_.size() && is_digit(text_[p + 1])) {
        return false;  // leading zeros are not JSON
    }
    // Accumulate as a negative number so INT64_MIN is representable.
    std::int64_t value = 0;
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    while (p < text_.size() && is_digit(text_[p])) {
        const int d = text_[p] - '0';
        if (value < (kMin + d) / 10) {
            return false;
        }
        value = value * 10 - d;
        ++p;
    }
    if (p < text_.size() && (text_[p] == '.' || text_[p] == 'e' || text_[p] == 'E')) {
        return false;
    }
    if (!negative) {
        if (value == kMin) {
            return false;
        }
        value = -value;
    }
    out = value;
    pos_ = p;
    return true;
}

bool JsonReader::skip_number() noexcept {
    std::size_t p = pos_;
    if (p < text_.size() && text_[p] == '-') ++p;
    if (p >= text_.size() || !is_digit(text_[p])) return false;
    if (text_[p] == '0') {
        ++p;
    } else {
        while (p < text_.size() && is_digit(text_[p])) ++p;
    }
    if (p < text_.size() && text_[p] == '.') {
        ++p;
        if (p >= text_.size() || !is_digit(text_[p])) return false;
        while (p < text_.size() && is_digit(text_[p])) ++p;
    }
    if (p < text_.size() && (text_[p] == 'e' || text_[p] == 'E')) {
        ++p;
        if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
        if (p >= text_.size() || !is_digit(text_[p])) return false;
        while (p < text_.size() && is_digit(text_[p])) ++p;
    }
    pos_ = p;
    return true;
}

bool JsonReader::skip_string() noexcept {
    // pos_ is at the opening quote.
    std::size_t p = pos_ + 1;
    while (p < text_.size()) {
        const auto c = static_cast<unsigned char>(text_[p]);
        if (c == '"') {
            pos_ = p + 1;
            return true;
        }
        if (c < 0x20) return false;
        if (c == '\\') {
            if (p + 1 >= text_.size()) return false;
            const char e = text_[p + 1];
            if (e == 'u') {
                if (p + 5 >= text_.size()) return false;
                for (std::size_t k = 2; k < 6; ++k) {
                    if (hex_value(text_[p + k]) < 0) return false;
                }
                p += 6;
                continue;
            }
            if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') return false;
            p += 2;
            continue;
        }
        ++p;
    }
    return false;
}

bool JsonReader::read_string(std::string_view& out, JsonScratch& scratch) {
    if (peek() != '"') {
        return false;
    }
    const std::size_t start = pos_ + 1;
    // Fast path: find the closing quote; if no backslash precedes it, return a view.
    std::size_t p = start;
    while (p < text_.size()) {
        const auto c = static_cast<unsigned char>(text_[p]);
        if (c == '"') {
            out = text_.substr(start, p - start);
            pos_ = p + 1;
            return true;
        }
        if (c == '\\') break;
        if (c < 0x20) return false;
        ++p;
    }
    if (p >= text_.size()) {
        return false;
    }
    // Slow path: validate the extent first, then decode into scratch.
    if (!skip_string()) {
        return false;
    }
    const std::size_t end = pos_ - 1;  // closing quote
    char* dst = scratch.reserve(text_.size(), end - start);
    if (dst == nullptr) {
        return false;
    }
    std::size_t n = 0;
    for (std::size_t i = start; i < end;) {
        const char c = text_[i];
        if (c != '\\') {
            dst[n++] = c;
            ++i;
            continue;
        }
        const char e = text_[i + 1];
        i += 2;
        switch (e) {
            case '"':
                dst[n++] = '"';
                break;
            case '\\':
                dst[n++] = '\\';
                break;
            case '/':
                dst[n++] = '/';
                break;
            case 'b':
                dst[n++] = '\b';
                break;
            case 'f':
                dst[n++] = '\f';
                break;
            case 'n':
                dst[n++] = '\n';
                break;
            case 'r':
                dst[n++] = '\r';
                break;
            case 't':
                dst[n++] = '\t';
                break;
            case 'u': {
                auto hex4 = [&](std::size_t at) {
                    std::uint32_t v = 0;
                    for (std::size_t k = 0; k < 4; ++k) {
                        v = (v << 4) | static_cast<std::uint32_t>(hex_value(text_[at + k]));
                    }
                    return v;
                };
                std::uint32_t cp = hex4(i);
                i += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= end && text_[i] == '\\' &&
                    text_[i + 1] == 'u') {
                    const std::uint32_t low = hex4(i + 2);
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        i += 6;
                    }
                }
                if (cp >= 0xD800 && cp <= 0xDFFF) {
                    cp = 0xFFFD;  // lone surrogate, as Go's decoder does
                }
                n += put_utf8(dst + n, cp);
                break;
            }
            default:
                return false;  // unreachable: skip_string validated the escapes
        }
    }
    scratch.commit(n);
    out = std::string_view(dst, n);
    return true;
}

bool JsonReader::skip_value(int depth) noexcept {
    if (depth > kMaxDepth) {
        return false;
    }
    switch (peek()) {
        case '"':
            return skip_string();
        case '{': {
            ++pos_;
            if (consume('}')) return true;
            do {
                if (peek() != '"' || !skip_string()) return false;
                if (!consume(':')) return false;
                if (!skip_value(depth + 1)) return false;
            } while (consume(','));
            return consume('}');
        }
        case '[': {
            ++pos_;
            if (consume(']')) return true;
            do {
                if (!skip_value(depth + 1)) return false;
            } while (consume(','));
            return consume(']');
        }
        case 't':
            return consume_literal("true");
        case 'f':
            return consume_literal("false");
        case 'n':
            return consume_literal("null");
        default:
            return skip_number();
    }
}

bool JsonReader::next_member(std::string_view& key, bool& done, bool& first, JsonScratch& scratch) {
    if (first) {
        first = false;
        if (consume('}')) {
            done = true;
            return true;
        }
    } else {
        if (consume('}')) {
            done = true;
            return true;
        }
        if (!consume(',')) return false;
    }
    done = false;
    if (!read_string(key, scratch)) return false;
    return consume(':');
}

bool JsonReader::next_element(bool& done, bool& first) noexcept {
    if (first) {
        first = false;
        done = consume(']');
        return true;
    }
    if (consume(']')) {
        done = true;
        return true;
    }
    done = false;
    return consume(',');
}

}  // namespace rr::protocol::detail
