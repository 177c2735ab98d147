#pragma once
// The `headers` plugin (BEHAVIOUR.md §1.4): request/response headers and CORS as the `headers`
// entry of `http.middleware`. Disabled without an `http.headers` section (as upstream). The
// logic is HeadersMiddleware (headers_middleware.h) and CorsPolicy (cors.h).
//
// Thread safety: main io_context thread only (plugin contract).

#include <memory>

#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"

namespace rr::plugins {

class HeadersMiddleware;

class HeadersPlugin final : public Plugin, public HttpMiddlewareProvider {
public:
    static constexpr std::string_view kName = "headers";

    HeadersPlugin();
    ~HeadersPlugin() override;

    std::string_view name() const noexcept override { return kName; }
    std::vector<std::string_view> sections() const override { return {}; }
    InitStatus init(InitContext& ctx) override;

    // HttpMiddlewareProvider
    std::shared_ptr<http::Middleware> middleware() override;

private:
    std::shared_ptr<HeadersMiddleware> middleware_;
};

}  // namespace rr::plugins
