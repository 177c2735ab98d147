#include "plugins/static/plugin.h"

#include <system_error>

#include "plugins/static/config.h"
#include "plugins/static/static_files.h"

namespace rr::plugins {

StaticPlugin::StaticPlugin() = default;
StaticPlugin::~StaticPlugin() = default;

InitStatus StaticPlugin::init(InitContext& ctx) {
    const config::Node* http = ctx.section("http");
    const config::Node* section = http != nullptr ? http->find_nocase("static") : nullptr;
    if (section == nullptr || section->is_null()) return InitStatus::kDisabled;
    const StaticConfig cfg = ctx.decode(*section, "http.static", decode_static_config);
    try {
        files_ = std::make_shared<StaticFiles>(cfg, ctx.logger());
    } catch (const std::system_error& e) {
        throw config::ConfigError("http.static.dir", e.what());
    }
    return InitStatus::kEnabled;
}

std::shared_ptr<http::Middleware> StaticPlugin::middleware() {
    return files_;
}

}  // namespace rr::plugins
