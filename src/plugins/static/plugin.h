#pragma once
// The `static` plugin (BEHAVIOUR.md §1.5, §3.10): serves files from `http.static.dir` as the
// `static` entry of `http.middleware`. Disabled without an `http.static` section (as upstream:
// the http plugin then warns that the requested middleware does not exist). The logic is
// StaticFiles (static_files.h); this class only decodes the config and hands it out.
//
// Thread safety: main io_context thread only (plugin contract).

#include <memory>

#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"

namespace rr::plugins {

class StaticFiles;

class StaticPlugin final : public Plugin, public HttpMiddlewareProvider {
public:
    static constexpr std::string_view kName = "static";

    StaticPlugin();
    ~StaticPlugin() override;

    std::string_view name() const noexcept override { return kName; }
    /// Its config lives under `http`, which the http plugin owns.
    std::vector<std::string_view> sections() const override { return {}; }
    InitStatus init(InitContext& ctx) override;

    // HttpMiddlewareProvider
    std::shared_ptr<http::Middleware> middleware() override;

private:
    std::shared_ptr<StaticFiles> files_;
};

}  // namespace rr::plugins
