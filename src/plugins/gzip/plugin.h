#pragma once
// The `gzip` plugin (BEHAVIOUR.md §3.9): response compression as the `gzip` entry of
// `http.middleware`, with brotli and zstd besides gzip (rr extension). Enabled whenever the
// `http` section exists (upstream's needs no config); `http.gzip` holds rr's optional knobs.
// The logic is Compression (compression.h).
//
// Thread safety: main io_context thread only (plugin contract).

#include <memory>

#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"

namespace rr::plugins {

class Compression;

class GzipPlugin final : public Plugin, public HttpMiddlewareProvider {
public:
    static constexpr std::string_view kName = "gzip";

    GzipPlugin();
    ~GzipPlugin() override;

    std::string_view name() const noexcept override { return kName; }
    std::vector<std::string_view> sections() const override { return {}; }
    InitStatus init(InitContext& ctx) override;

    // HttpMiddlewareProvider
    std::shared_ptr<http::Middleware> middleware() override;

private:
    std::shared_ptr<Compression> compression_;
};

}  // namespace rr::plugins
