#pragma once
// HttpMetricsMiddleware: the `http_metrics` entry of `http.middleware` (RoadRunner's
// roadrunner-server/prometheus middleware). Around the rest of the chain it counts the request
// in HttpMetrics: the queue gauge while inside, then the counter and duration histogram of the
// final status, and No-Workers answers. It sees the status through a ForwardingWriter that
// records the status of the final head (send_response, start_stream, send_file) and whether it
// carried `No-Workers: true`, and forwards everything unchanged (send_file stays zero-copy).
//
// Thread safety: shared by every connection; per-request state on the coroutine frame;
// HttpMetrics is thread-safe.

#include "http/middleware.h"
#include "plugins/http_metrics/http_metrics.h"

namespace rr::plugins {

class HttpMetricsMiddleware final : public http::Middleware {
public:
    /// `metrics` must outlive the middleware (both belong to the http_metrics plugin).
    explicit HttpMetricsMiddleware(HttpMetrics& metrics) noexcept : metrics_(metrics) {}

    boost::asio::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer,
                                        http::Next next) override;

private:
    HttpMetrics& metrics_;
};

}  // namespace rr::plugins
