#pragma once
// A small pull-style JSON reader for the few JSON documents the server reads per request or per
// worker: the PID reply (control.h) and the HTTP response context (http_payload.h).
//
// Strict RFC 8259 grammar (no comments, no trailing commas, no raw control characters inside
// strings); bytes >= 0x80 inside strings are passed through unchecked. Strings without escapes
// come back as views into the input; escaped strings are decoded into a scratch buffer that the
// caller owns and that is sized to the input, so decoded views stay valid while both live.
// Nesting depth is bounded (kMaxDepth) so hostile input cannot exhaust the stack.
//
// Internal to the protocol module. Thread safety: an instance is used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace rr::protocol::detail {

/// Storage for decoded (unescaped) strings. Decoding never makes a string longer than its JSON
/// form, so capacity == input size is always enough; allocated only when an escape is seen.
class JsonScratch {
public:
    /// Reserves room for `bytes` and returns where to write, or nullptr if there is none.
    char* reserve(std::size_t capacity, std::size_t bytes);
    void commit(std::size_t bytes) noexcept { used_ += bytes; }
    std::unique_ptr<char[]> release() noexcept { return std::move(data_); }

private:
    std::unique_ptr<char[]> data_;
    std::size_t used_ = 0;
    std::size_t capacity_ = 0;
};

class JsonReader {
public:
    static constexpr int kMaxDepth = 64;

    explicit JsonReader(std::string_view text) noexcept : text_(text) {}

    /// Skips whitespace; returns the next character or '\0' at the end of input.
    char peek() noexcept;
    /// Skips whitespace and consumes `c` if it is next.
    bool consume(char c) noexcept;
    /// True when only whitespace is left.
    bool at_end() noexcept { return peek() == '\0' && pos_ >= text_.size(); }

    /// Reads a string value. `out` views the input or `scratch`.
    bool read_string(std::string_view& out, JsonScratch& scratch);
    /// Reads an integer that fits int64 (no fraction, no exponent).
    bool read_int64(std::int64_t& out) noexcept;
    /// Reads `true` or `false`.
    bool read_bool(bool& out) noexcept;
    /// Consumes `null` if it is next.
    bool consume_null() noexcept;
    /// Skips any one value (bounded depth).
    bool skip_value(int depth = 0) noexcept;

    /// Iterates object members: call after '{' was consumed. Returns false on syntax error;
    /// sets `done` when the closing '}' was consumed instead of a key.
    bool next_member(std::string_view& key, bool& done, bool& first, JsonScratch& scratch);
    /// Iterates array elements: call after '[' was consumed; sets `done` at ']'.
    bool next_element(bool& done, bool& first) noexcept;

private:
    bool skip_string() noexcept;
    bool skip_number() noexcept;
    bool consume_literal(std::string_view word) noexcept;

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace rr::protocol::detail
