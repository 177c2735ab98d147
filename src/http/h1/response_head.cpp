#include "http/h1/response_head.h"

#include "http/status.h"

namespace rr::http::h1 {

void append_status_line(std::string& out, int status, bool http11) {
    out.append(http11 ? "HTTP/1.1 " : "HTTP/1.0 ");
    out.append(std::to_string(status));
    out.push_back(' ');
    auto reason = reason_phrase(status);
    if (reason.empty()) {
        out.append("status code ");
        out.append(std::to_string(status));
    } else {
        out.append(reason);
    }
    out.append("\r\n");
}

bool append_field(std::string& out, std::string_view name, std::string_view value) {
    if (!is_token(name)) {
        return false;
    }
    out.append(name);
    out.append(": ");
    std::size_t start = out.size();
    out.append(value);
    for (std::size_t i = start; i < out.size(); ++i) {
        if (out[i] == '\r' || out[i] == '\n') {
            out[i] = ' ';
        }
    }
    out.append("\r\n");
    return true;
}

std::string make_error_response(int status, bool http11, std::string_view date) {
    std::string body = std::to_string(status);
    body.push_back(' ');
    body.append(reason_phrase(status));
    std::string out;
    out.reserve(160 + body.size());
    append_status_line(out, status, http11);
    out.append("Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n");
    if (!date.empty()) {
        out.append("Date: ").append(date).append("\r\n");
    }
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
    out.append(body);
    return out;
}

}  // namespace rr::http::h1
