#pragma once
// The `sendfile` plugin (BEHAVIOUR.md §3.10): X-Sendfile responses as the `sendfile` entry of
// `http.middleware`. Enabled whenever the `http` section exists (upstream's needs no config);
// `http.sendfile.root` is rr's optional restriction. The logic is Sendfile (sendfile.h).
//
// Thread safety: main io_context thread only (plugin contract).

#include <memory>

#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"

namespace rr::plugins {

class Sendfile;

class SendfilePlugin final : public Plugin, public HttpMiddlewareProvider {
public:
    static constexpr std::string_view kName = "sendfile";

    SendfilePlugin();
    ~SendfilePlugin() override;

    std::string_view name() const noexcept override { return kName; }
    std::vector<std::string_view> sections() const override { return {}; }
    InitStatus init(InitContext& ctx) override;

    // HttpMiddlewareProvider
    std::shared_ptr<http::Middleware> middleware() override;

private:
    std::shared_ptr<Sendfile> sendfile_;
};

}  // namespace rr::plugins
