#include "http/request.h"

#include <algorithm>
#include <charconv>

namespace rr::http {

std::string Request::remote_address() const {
    if (unix_socket_) return std::string(kUnixPeerText);
    // The connection's text of the address (formatted once per connection; an IPv4-mapped
    // peer shows as IPv4, as Go's RemoteAddr), then the port: no inet_ntop/sprintf per request.
    std::string formatted;
    if (peer_text_.empty()) formatted = ip_to_string(peer_);
    const std::string_view ip = peer_text_.empty() ? std::string_view(formatted) : peer_text_;
    const bool v6 = ip.find(':') != std::string_view::npos;
    char port[8];
    const auto end = std::to_chars(port, port + sizeof port, peer_port_).ptr;
    std::string out;
    out.reserve(ip.size() + 3 + static_cast<std::size_t>(end - port));
    if (v6) out += '[';
    out += ip;
    if (v6) out += ']';
    out += ':';
    out.append(port, end);
    return out;
}

boost::asio::awaitable<boost::system::error_code> Request::read_body(std::string& out) {
    // Reserve for the announced length, but at most 4 MiB up front: a client that announces
    // a huge body and then sends nothing must not make us allocate it.
    constexpr std::uint64_t kMaxReserve = 4u << 20;
    if (auto len = content_length()) {
        out.reserve(out.size() + static_cast<std::size_t>(std::min(*len, kMaxReserve)));
    }
    for (;;) {
        auto piece = co_await body_->read_body_some();
        if (!piece) co_return piece.error();
        if (piece.value().empty()) co_return boost::system::error_code{};
        out.append(piece.value());
    }
}

boost::asio::awaitable<boost::system::error_code> Request::read_body(BodySink& sink) {
    for (;;) {
        auto piece = co_await body_->read_body_some();
        if (!piece) co_return piece.error();
        if (piece.value().empty()) co_return boost::system::error_code{};
        if (auto ec = sink.on_body_data(piece.value())) co_return ec;
    }
}

}  // namespace rr::http
