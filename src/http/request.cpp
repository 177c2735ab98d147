#include "http/request.h"

#include <fmt/format.h>

#include <algorithm>

namespace rr::http {

std::string Request::remote_address() const {
    if (unix_socket_) return std::string(kUnixPeerText);
    return peer_.is_v6() ? fmt::format("[{}]:{}", peer_.to_string(), peer_port_)
                         : fmt::format("{}:{}", peer_.to_string(), peer_port_);
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
