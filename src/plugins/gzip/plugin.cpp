#include "plugins/gzip/plugin.h"

#include "plugins/gzip/compression.h"
#include "plugins/gzip/config.h"

namespace rr::plugins {

GzipPlugin::GzipPlugin() = default;
GzipPlugin::~GzipPlugin() = default;

InitStatus GzipPlugin::init(InitContext& ctx) {
    const config::Node* http = ctx.section("http");
    if (http == nullptr) return InitStatus::kDisabled;
    const config::Node* section = http->find_nocase("gzip");
    if (section != nullptr && section->is_null()) section = nullptr;
    const GzipConfig cfg = ctx.decode(
        section != nullptr ? *section : *http, "http.gzip",
        [section](const config::Node&, const std::string& path, const config::DecodeContext& c) {
            return decode_gzip_config(section, path, c);
        });
    compression_ = std::make_shared<Compression>(cfg, ctx.logger());
    return InitStatus::kEnabled;
}

std::shared_ptr<http::Middleware> GzipPlugin::middleware() {
    return compression_;
}

}  // namespace rr::plugins
