#include "http/h1/request_parser.h"

#include <array>
#include <optional>

#include "http/mapping.h"

namespace rr::http::h1 {

namespace {

constexpr std::size_t kMaxLeadingEmptyLines = 8;

HeadParseResult fail(int http_status, std::string_view reason,
                     rr::errc e = rr::errc::kHttpBadRequest) {
    HeadParseResult r;
    r.status = HeadStatus::kError;
    r.http_status = http_status;
    r.error = e;
    r.reason = reason;
    return r;
}

bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

/// Field value bytes: HTAB, SP, VCHAR, obs-text. CR/LF/NUL and other CTLs are refused.
bool valid_value_char(unsigned char c) noexcept {
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept {
    if (s.empty() || s.size() > 19) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

struct FramingState {
    std::optional<std::uint64_t> content_length;
    std::size_t transfer_encoding_fields = 0;
    std::string_view transfer_encoding;
    std::size_t host_fields = 0;
    bool conn_close = false;
    bool conn_keep_alive = false;
    bool expect_other = false;
};

/// Splits a comma list and calls fn(token) for each trimmed, non-empty element.
template <class Fn>
void for_each_list_item(std::string_view v, Fn&& fn) {
    while (true) {
        auto comma = v.find(',');
        auto item = trim_ows(v.substr(0, comma));
        if (!item.empty()) {
            fn(item);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        v.remove_prefix(comma + 1);
    }
}

std::optional<HeadParseResult> note_field(FramingState& st, std::string_view name,
                                          std::string_view value) {
    if (iequals(name, "content-length")) {
        bool bad = false;
        bool any = false;
        // Each comma-separated element must be a number equal to every other one seen.
        std::string_view rest = value;
        while (true) {
            auto comma = rest.find(',');
            auto item = trim_ows(rest.substr(0, comma));
            auto v = parse_decimal(item);
            if (!v) {
                bad = true;
                break;
            }
            any = true;
            if (st.content_length && *st.content_length != *v) {
                return fail(400, "conflicting content-length");
            }
            st.content_length = *v;
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
        if (bad || !any) {
            return fail(400, "bad content-length");
        }
    } else if (iequals(name, "transfer-encoding")) {
        ++st.transfer_encoding_fields;
        st.transfer_encoding = value;
    } else if (iequals(name, "host")) {
        ++st.host_fields;
    } else if (iequals(name, "connection")) {
        for_each_list_item(value, [&](std::string_view t) {
            if (iequals(t, "close")) st.conn_close = true;
            if (iequals(t, "keep-alive")) st.conn_keep_alive = true;
        });
    } else if (iequals(name, "expect")) {
        if (!iequals(trim_ows(value), "100-continue")) {
            st.expect_other = true;
        }
    }
    return std::nullopt;
}

}  // namespace

HeadParseResult parse_request_head(std::string_view data, const HeadLimits& limits,
                                   RequestHead& out, std::size_t scan_from) {
    // Skip empty lines before the request line.
    std::size_t start = 0;
    for (std::size_t n = 0; n < kMaxLeadingEmptyLines; ++n) {
        if (data.size() - start >= 1 && data[start] == '\n') {
            return fail(400, "bare lf");
        }
        if (data.size() - start < 2) {
            if (data.size() - start == 1 && data[start] == '\r') {
                return HeadParseResult{};  // need the LF
            }
            break;
        }
        if (data[start] == '\r') {
            if (data[start + 1] != '\n') {
                return fail(400, "bare cr");
            }
            start += 2;
            continue;
        }
        break;
    }

    // Find the blank line that ends the head.
    std::size_t from = scan_from > start + 3 ? scan_from - 3 : start;
    auto end = data.find("\r\n\r\n", from);
    if (end == std::string_view::npos) {
        if (data.size() - start > limits.max_head_bytes) {
            return fail(431, "request head too large", rr::errc::kHttpHeadersTooLarge);
        }
        return HeadParseResult{};
    }
    if (end + 4 - start > limits.max_head_bytes) {
        return fail(431, "request head too large", rr::errc::kHttpHeadersTooLarge);
    }
    std::string_view head = data.substr(start, end + 2 - start);  // every line incl. its CRLF

    // Request line.
    auto eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol + 2);
    for (char c : line) {
        if (c == '\r' || c == '\n') {
            return fail(400, "bare cr or lf in request line");
        }
    }
    auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) {
        return fail(400, "malformed request line");
    }
    auto sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        return fail(400, "malformed request line");
    }
    std::string_view method = line.substr(0, sp1);
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    if (!is_token(method)) {
        return fail(400, "bad method");
    }
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
        version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
        return fail(400, "bad http version");
    }
    int major = version[5] - '0';
    int minor = version[7] - '0';
    if (major != 1) {
        return fail(505, "unsupported http version");
    }
    if (!valid_target(method, target)) {
        return fail(400, "bad request target");
    }

    out.method.assign(method);
    out.target.assign(target);
    out.version_major = major;
    out.version_minor = minor;
    out.fields.clear();
    out.host.clear();
    out.framing = BodyFraming::kNone;
    out.content_length = 0;
    out.expect_continue = false;

    // Header fields.
    FramingState st;
    while (!head.empty()) {
        eol = head.find("\r\n");
        line = head.substr(0, eol);
        head.remove_prefix(eol + 2);
        if (line.empty()) {
            break;  // cannot happen: the blank line is outside `head`
        }
        if (is_ows(line.front())) {
            return fail(400, "obs-fold or whitespace before field");
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            return fail(400, "field without colon");
        }
        std::string_view name = line.substr(0, colon);
        if (!is_token(name)) {
            return fail(400, "bad field name");
        }
        std::string_view value = line.substr(colon + 1);
        for (char c : value) {
            if (!valid_value_char(static_cast<unsigned char>(c))) {
                return fail(400, "bad character in field value");
            }
        }
        value = trim_ows(value);
        if (auto err = note_field(st, name, value)) {
            return *err;
        }
        std::string canonical(name);
        canonicalize_header_key(canonical);
        out.fields.add(std::move(canonical), std::string(value));
    }

    // Framing (RFC 9112 §6.1-6.3).
    if (st.transfer_encoding_fields > 0) {
        if (major == 1 && minor == 0) {
            return fail(400, "transfer-encoding on http/1.0");
        }
        if (st.content_length) {
            return fail(400, "both content-length and transfer-encoding");
        }
        if (st.transfer_encoding_fields > 1) {
            return fail(400, "repeated transfer-encoding");
        }
        std::size_t codings = 0;
        bool chunked_last = false;
        bool chunked_seen = false;
        for_each_list_item(st.transfer_encoding, [&](std::string_view t) {
            ++codings;
            chunked_last = iequals(t, "chunked");
            chunked_seen = chunked_seen || chunked_last;
        });
        if (codings == 1 && chunked_last) {
            out.framing = BodyFraming::kChunked;
        } else if (chunked_seen || codings == 0) {
            return fail(400, "bad transfer-encoding");
        } else {
            return fail(501, "unsupported transfer-encoding");
        }
    } else if (st.content_length) {
        out.content_length = *st.content_length;
        out.framing = *st.content_length > 0 ? BodyFraming::kContentLength : BodyFraming::kNone;
    }

    if (st.host_fields > 1) {
        return fail(400, "repeated host");
    }
    if (st.host_fields == 1) {
        out.host = *out.fields.find("host");
        if (!valid_host(out.host)) {
            return fail(400, "bad host");
        }
    } else if (minor >= 1) {
        return fail(400, "missing host");
    }
    if (st.expect_other) {
        return fail(417, "unsupported expectation");
    }
    bool http11 = minor >= 1;
    out.expect_continue = http11 && out.fields.contains("expect");
    out.keep_alive = http11 ? !st.conn_close : (st.conn_keep_alive && !st.conn_close);

    HeadParseResult r;
    r.status = HeadStatus::kComplete;
    r.consumed = end + 4;
    return r;
}

}  // namespace rr::http::h1
