#include "plugins/headers/plugin.h"

#include "plugins/headers/config.h"
#include "plugins/headers/headers_middleware.h"

namespace rr::plugins {

HeadersPlugin::HeadersPlugin() = default;
HeadersPlugin::~HeadersPlugin() = default;

InitStatus HeadersPlugin::init(InitContext& ctx) {
    const config::Node* http = ctx.section("http");
    const config::Node* section = http != nullptr ? http->find_nocase("headers") : nullptr;
    if (section == nullptr || section->is_null()) return InitStatus::kDisabled;
    const HeadersConfig cfg = ctx.decode(*section, "http.headers", decode_headers_config);
    middleware_ = std::make_shared<HeadersMiddleware>(cfg, ctx.logger());
    return InitStatus::kEnabled;
}

std::shared_ptr<http::Middleware> HeadersPlugin::middleware() {
    return middleware_;
}

}  // namespace rr::plugins
