// Decoder of the `http.sendfile` section (see config.h).

#include "plugins/sendfile/config.h"

#include <filesystem>

namespace rr::plugins {

SendfileConfig decode_sendfile_config(const config::Node* v, const std::string& path,
                                      const config::DecodeContext& ctx) {
    SendfileConfig cfg;
    if (v == nullptr) return cfg;
    config::MapReader r(*v, path, ctx);
    r.read("root", cfg.root);
    r.finish();
    if (!cfg.root.empty()) {
        const std::filesystem::path dir = ctx.resolve(cfg.root);
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec)) {
            config::fail(r.child("root"), "directory \"" + cfg.root + "\" does not exist");
        }
        // Absolute and lexically normal; the middleware also compares against its real path.
        cfg.root = std::filesystem::absolute(dir, ec).lexically_normal().string();
        if (ec) cfg.root = dir.string();
        while (cfg.root.size() > 1 && cfg.root.back() == '/') cfg.root.pop_back();
    }
    return cfg;
}

}  // namespace rr::plugins
