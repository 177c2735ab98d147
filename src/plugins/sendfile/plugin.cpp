#include "plugins/sendfile/plugin.h"

#include <system_error>

#include "plugins/sendfile/config.h"
#include "plugins/sendfile/sendfile.h"

namespace rr::plugins {

SendfilePlugin::SendfilePlugin() = default;
SendfilePlugin::~SendfilePlugin() = default;

InitStatus SendfilePlugin::init(InitContext& ctx) {
    const config::Node* http = ctx.section("http");
    if (http == nullptr) return InitStatus::kDisabled;
    const config::Node* section = http->find_nocase("sendfile");
    if (section != nullptr && section->is_null()) section = nullptr;
    const SendfileConfig cfg = ctx.decode(
        section != nullptr ? *section : *http, "http.sendfile",
        [section](const config::Node&, const std::string& path, const config::DecodeContext& c) {
            return decode_sendfile_config(section, path, c);
        });
    try {
        sendfile_ = std::make_shared<Sendfile>(cfg, ctx.logger());
    } catch (const std::system_error& e) {
        throw config::ConfigError("http.sendfile.root", e.what());
    }
    return InitStatus::kEnabled;
}

std::shared_ptr<http::Middleware> SendfilePlugin::middleware() {
    return sendfile_;
}

}  // namespace rr::plugins
