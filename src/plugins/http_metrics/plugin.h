#pragma once
// The `http_metrics` plugin (RoadRunner's roadrunner-server/prometheus): request metrics of the
// HTTP server (HttpMetrics), counted by the `http_metrics` middleware users list in
// `http.middleware`, exposed by the metrics plugin (MetricsProvider). It has no config section
// and is always enabled, as upstream: without the middleware in the list the request series
// stay empty; without the metrics plugin nothing is exposed.
//
// Thread safety: plugin calls on the main io_context thread; HttpMetrics from any thread.

#include "plugins/api/capabilities.h"
#include "plugins/api/observability.h"
#include "plugins/api/plugin.h"
#include "plugins/http_metrics/http_metrics.h"
#include "plugins/http_metrics/middleware.h"

namespace rr::plugins {

class HttpMetricsPlugin final : public Plugin,
                                public MetricsProvider,
                                public HttpMiddlewareProvider {
public:
    static constexpr std::string_view kName = "http_metrics";

    std::string_view name() const noexcept override { return kName; }
    /// No section of its own.
    std::vector<std::string_view> sections() const override { return {}; }

    InitStatus init(InitContext& /*ctx*/) override { return InitStatus::kEnabled; }
    void serve(ServeContext& /*ctx*/) override { metrics_.start(); }

    std::vector<std::shared_ptr<const metrics::Collector>> metrics_collectors() override {
        return metrics_.collectors();
    }

    // HttpMiddlewareProvider: the `http_metrics` entry of http.middleware.
    std::shared_ptr<http::Middleware> middleware() override { return middleware_; }

    HttpMetrics& metrics() noexcept { return metrics_; }

private:
    HttpMetrics metrics_;
    std::shared_ptr<HttpMetricsMiddleware> middleware_ =
        std::make_shared<HttpMetricsMiddleware>(metrics_);
};

}  // namespace rr::plugins
