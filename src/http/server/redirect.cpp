#include "http/server/redirect.h"

#include "common/html.h"
#include "http/fields.h"
#include "http/request.h"
#include "http/response_writer.h"

namespace rr::http::server {

namespace {

/// The host part of a Host value: port and IPv6 brackets removed (Go's URL.Hostname()).
std::string_view hostname(std::string_view host) {
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        return close == std::string_view::npos ? host.substr(1) : host.substr(1, close - 1);
    }
    const auto colon = host.find(':');
    return colon == std::string_view::npos ? host : host.substr(0, colon);
}

}  // namespace

std::string RedirectHandler::location(std::string_view host, std::string_view target) const {
    // The path and query of the target (an absolute-form target keeps only those).
    if (const auto scheme = target.find("://");
        scheme != std::string_view::npos && target.front() != '/') {
        const auto path = target.find('/', scheme + 3);
        const auto query = target.find('?', scheme + 3);
        const auto cut = std::min(path, query);
        target = cut == std::string_view::npos ? std::string_view() : target.substr(cut);
    }
    const std::string_view name = hostname(host);
    const bool v6 = name.find(':') != std::string_view::npos;
    std::string out = "https://";
    if (v6) out += '[';
    out += name;
    if (v6) out += ']';
    if (port_ != 443) out += ":" + std::to_string(port_);
    if (target.empty() || target.front() != '/') out += '/';
    if (target != "*") out += target;
    return out;
}

boost::asio::awaitable<void> RedirectHandler::handle(Request& request, ResponseWriter& writer) {
    const std::string url = location(request.host(), request.target());
    const bool get = request.method() == "GET";
    Fields headers;
    headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload");
    headers.add("Location", url);
    std::string body;
    if (get || request.method() == "HEAD") {
        headers.add("Content-Type", "text/html; charset=utf-8");
    }
    if (get) body = "<a href=\"" + html_escape(url) + "\">Permanent Redirect</a>.\n\n";
    co_await writer.send_response(308, headers, body);
}

}  // namespace rr::http::server
