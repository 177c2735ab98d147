#include "http/request_head.h"

namespace rr::http {

namespace {

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

std::string RequestHead::protocol() const {
    if (version_major == 1 && version_minor == 1) return "HTTP/1.1";  // no allocation (SSO)
    if (version_major == 2 && version_minor == 0) return "HTTP/2.0";
    std::string p = "HTTP/";
    p += std::to_string(version_major);
    p += '.';
    p += std::to_string(version_minor);
    return p;
}

/// Request-target forms (RFC 9112 §3.2). Go refuses a target it cannot parse as a request URI.
bool valid_target(std::string_view method, std::string_view t) noexcept {
    if (t.empty()) {
        return false;
    }
    for (char ch : t) {
        auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7f) {
            return false;
        }
    }
    // A '%' in the path must start a valid escape (Go: url.ParseRequestURI).
    auto path_end = t.find('?');
    std::string_view path = t.substr(0, path_end);
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '%') {
            if (i + 2 >= path.size() || !is_hex(path[i + 1]) || !is_hex(path[i + 2])) {
                return false;
            }
        }
    }
    if (t.front() == '/') {
        return true;
    }
    if (t == "*") {
        return method == "OPTIONS";
    }
    if (method == "CONNECT") {
        return true;  // authority-form
    }
    // absolute-form: scheme "://" ...
    auto colon = t.find("://");
    if (colon == std::string_view::npos || colon == 0) {
        return false;
    }
    for (std::size_t i = 0; i < colon; ++i) {
        char c = t[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool ok = alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok) {
            return false;
        }
    }
    return true;
}

/// Host: uri-host [ ":" port ]; Go's httpguts.ValidHostHeader allows a broad byte set. We refuse
/// whitespace, CTLs and the characters that would break the URI we build from it.
bool valid_host(std::string_view h) noexcept {
    for (char ch : h) {
        auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7f || c == '/' || c == '?' || c == '#' || c == '\\' || c == '"' ||
            c == '<' || c == '>' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`') {
            return false;
        }
    }
    return true;
}

}  // namespace rr::http
