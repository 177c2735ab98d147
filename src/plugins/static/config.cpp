// Decoder of the `http.static` section (see config.h).

#include "plugins/static/config.h"

#include <algorithm>
#include <filesystem>

#include "common/ascii.h"

namespace rr::plugins {

namespace {

std::vector<std::string> lower_all(std::vector<std::string> in) {
    for (auto& s : in) s = ascii::to_lower(s);
    std::erase(in, std::string());  // upstream's `forbid: [""]` example matches nothing
    return in;
}

}  // namespace

StaticConfig decode_static_config(const config::Node& v, const std::string& path,
                                  const config::DecodeContext& ctx) {
    StaticConfig cfg;
    config::MapReader r(v, path, ctx);
    r.read("dir", cfg.dir);
    if (cfg.dir.empty())
        cfg.dir.push_back('.');  // (not = ".": a g++ 12 -Wrestrict false positive at -O3)
    r.read("forbid", cfg.forbid);
    r.read("allow", cfg.allow);
    r.read("calculate_etag", cfg.calculate_etag);
    r.read("weak", cfg.weak);
    r.read("request", cfg.request);
    r.read("response", cfg.response);
    if (const config::Node* s = r.take("symlinks")) {
        const std::string text = config::as_string(*s, r.child("symlinks"));
        if (text == "follow") {
            cfg.symlinks = SymlinkPolicy::kFollow;
        } else if (text == "inside") {
            cfg.symlinks = SymlinkPolicy::kInside;
        } else if (text == "none") {
            cfg.symlinks = SymlinkPolicy::kNone;
        } else {
            config::fail_expected(r.child("symlinks"), "one of follow, inside, none", *s);
        }
    }
    r.finish();
    cfg.forbid = lower_all(std::move(cfg.forbid));
    cfg.allow = lower_all(std::move(cfg.allow));
    const std::filesystem::path dir = ctx.resolve(cfg.dir);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        config::fail(r.child("dir"), "directory \"" + cfg.dir + "\" does not exist");
    }
    cfg.dir = dir.string();
    return cfg;
}

}  // namespace rr::plugins
