#pragma once
// RedirectHandler: what the plain listener runs instead of the application when
// `http.ssl.redirect` is on (upstream's middleware/redirect.go): every request gets
// 308 Permanent Redirect to https://<host>[:<https port>]<path>[?<query>] with
// `Strict-Transport-Security: max-age=31536000; includeSubDomains; preload`. The request body
// is not read. Go's http.Redirect body: an HTML link for GET, nothing for other methods.
// on_complete() is passed to the application handler, so the access log records redirects as
// upstream's log middleware (which wraps the redirect) does.
//
// Thread safety: stateless after construction; the server's I/O thread.

#include <cstdint>
#include <string>

#include "http/handler.h"

namespace rr::http::server {

class RedirectHandler final : public Handler {
public:
    /// `inner` must outlive this handler.
    RedirectHandler(Handler& inner, std::uint16_t https_port) : inner_(inner), port_(https_port) {}

    boost::asio::awaitable<void> handle(Request& request, ResponseWriter& writer) override;
    void on_complete(const Request& request, const Completion& done) noexcept override {
        inner_.on_complete(request, done);
    }

    /// The redirect target for a request with this Host and request-target.
    std::string location(std::string_view host, std::string_view target) const;

private:
    Handler& inner_;
    std::uint16_t port_;
};

}  // namespace rr::http::server
