#pragma once
// Request: what a Handler receives for one HTTP request. The head is parsed and checked; the
// body is NOT read yet: the handler pulls it (whole, piece by piece, or into a BodySink such as
// a multipart parser). "100 Continue" is sent when the handler first asks for the body.
//
// Body errors (read_body*): kHttpBodyTooLarge (over max_request_size while reading a chunked
// body; a too-large Content-Length is refused before the handler runs), kHttpBadRequest (bad
// chunk framing, or the client closed mid-body), kHttpTimeout (read_timeout). After a body
// error the handler should return without responding: the connection answers 413/400/408
// itself and closes.
//
// Executor: the connection's I/O thread only; valid during Handler::handle() only.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/mapping.h"
#include "http/request_head.h"
#include "http/tls_facts.h"

namespace rr::http {

struct RequestScratch;  // http/request_context.h

/// What the server layer knows about the connection a request arrived on, whatever protocol
/// carried it. Owned by the connection; a Request borrows it.
struct ConnectionInfo {
    boost::asio::ip::address ip;  ///< the TCP peer; unspecified for a unix socket
    std::uint16_t port = 0;       ///< the TCP peer's port; 0 for a unix socket
    bool unix_socket = false;     ///< accepted on a unix-socket listener
    bool tls = false;             ///< TLS terminated here (the uri scheme PHP sees is https)
    /// ip_to_string(ip), formatted once per connection; kUnixPeerText ("@") for a unix socket.
    std::string ip_text;
    TlsFacts tls_facts;  ///< set when `tls`
};

/// Receives body bytes as they arrive. Return an error to stop reading (it is passed back to
/// the caller of Request::read_body(BodySink&); the rest of the body is drained or the
/// connection closed).
class BodySink {
public:
    virtual ~BodySink() = default;
    virtual boost::system::error_code on_body_data(std::string_view piece) = 0;
};

/// Implemented by the connection; the seam that lets tests and the fuzzer drive a Request.
class BodySource {
public:
    /// The next piece of the body, valid until the next call; empty when the body is complete.
    virtual boost::asio::awaitable<Result<std::string_view>> read_body_some() = 0;
    virtual bool body_complete() const noexcept = 0;
    virtual std::uint64_t body_bytes_read() const noexcept = 0;

protected:
    ~BodySource() = default;
};

class Request {
public:
    /// `body` and `mapping` must outlive the Request (both are owned by the connection/server).
    /// `peer_text`, when not empty, is ip_to_string(peer) formatted once by the connection and
    /// must outlive the Request too; empty = formatted on each map().
    Request(RequestHead head, boost::asio::ip::address peer, std::uint16_t peer_port, bool tls,
            BodySource& body, const MappingOptions& mapping, std::string_view peer_text = {})
        : head_(std::move(head)),
          peer_(peer),
          peer_port_(peer_port),
          tls_(tls),
          body_(&body),
          mapping_(&mapping),
          peer_text_(peer_text) {}
    /// What sessions use: the peer, scheme and formatted peer come from `conn`, which must
    /// outlive the Request (as `body` and `mapping`).
    Request(RequestHead head, const ConnectionInfo& conn, BodySource& body,
            const MappingOptions& mapping)
        : head_(std::move(head)),
          peer_(conn.ip),
          peer_port_(conn.port),
          tls_(conn.tls),
          unix_socket_(conn.unix_socket),
          body_(&body),
          mapping_(&mapping),
          peer_text_(conn.ip_text),
          conn_(&conn) {}

    const RequestHead& head() const noexcept { return head_; }
    /// Mutable for middleware that adds request headers (headers.request).
    RequestHead& head() noexcept { return head_; }

    std::string_view method() const noexcept { return head_.method; }
    std::string_view target() const noexcept { return head_.target; }
    std::string_view host() const noexcept { return head_.host; }
    std::string protocol() const { return head_.protocol(); }
    const Fields& headers() const noexcept { return head_.fields; }
    bool is_head() const noexcept { return head_.method == "HEAD"; }

    /// Buffers the connection lends for this request (see RequestScratch), or nullptr when the
    /// Request was built without a connection (tests, fuzzers): then use local ones.
    RequestScratch* scratch() const noexcept { return scratch_; }
    /// `scratch` must outlive the Request; the connection sets it.
    void set_scratch(RequestScratch* scratch) noexcept { scratch_ = scratch; }

    /// Set by MiddlewareChain when the request reached the application handler (the innermost
    /// link), so on_complete() logs only what the application saw (http/middleware.h).
    bool reached_app() const noexcept { return reached_app_; }
    void mark_reached_app() noexcept { reached_app_ = true; }

    const boost::asio::ip::address& peer_address() const noexcept { return peer_; }
    std::uint16_t peer_port() const noexcept { return peer_port_; }
    bool tls() const noexcept { return tls_; }
    /// The connection the request arrived on; nullptr for a Request built without one.
    const ConnectionInfo* connection() const noexcept { return conn_; }
    /// True when the request came over a unix socket (peer_address() is then unspecified).
    bool unix_socket() const noexcept { return unix_socket_; }
    /// Go's RemoteAddr, as the access log shows it: "ip:port", "[ipv6]:port", or "@" for a
    /// unix-socket peer.
    std::string remote_address() const;

    /// True when the request has a body (Content-Length > 0 or chunked).
    bool has_body() const noexcept { return head_.framing != BodyFraming::kNone; }
    /// The declared length; nullopt for chunked or no body.
    std::optional<std::uint64_t> content_length() const noexcept {
        if (head_.framing == BodyFraming::kContentLength) return head_.content_length;
        return std::nullopt;
    }
    bool body_complete() const noexcept { return body_->body_complete(); }
    std::uint64_t body_bytes_read() const noexcept { return body_->body_bytes_read(); }

    /// See BodySource::read_body_some and the error list above.
    boost::asio::awaitable<Result<std::string_view>> read_body_some() {
        return body_->read_body_some();
    }
    /// Appends the rest of the body to `out`.
    boost::asio::awaitable<boost::system::error_code> read_body(std::string& out);
    /// Passes the rest of the body to `sink`, piece by piece.
    boost::asio::awaitable<boost::system::error_code> read_body(BodySink& sink);

    /// The PHP-facing fields (remoteAddr, uri, canonical headers, cookies, ...), using the
    /// server's trusted subnets. The result borrows from this Request (see MappedRequest).
    MappedRequest map() const {
        MappedRequest out;
        map(out);
        return out;
    }
    void map(MappedRequest& out) const {
        if (peer_text_.empty()) {
            map_request(head_, peer_, ip_to_string(peer_), *mapping_, out, tls_);
        } else {
            map_request(head_, peer_, peer_text_, *mapping_, out, tls_);
        }
    }

private:
    RequestHead head_;
    boost::asio::ip::address peer_;
    std::uint16_t peer_port_;
    bool tls_;
    bool unix_socket_ = false;
    BodySource* body_;                      // owned by the connection
    const MappingOptions* mapping_;         // owned by the server settings
    std::string_view peer_text_;            // owned by the connection; may be empty
    RequestScratch* scratch_ = nullptr;     // owned by the connection; may be null
    const ConnectionInfo* conn_ = nullptr;  // owned by the connection; may be null
    bool reached_app_ = false;
};

}  // namespace rr::http
