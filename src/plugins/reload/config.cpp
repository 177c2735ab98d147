// Decoder of the `reload` section (see config.h).

#include "plugins/reload/config.h"

#include "common/ascii.h"

namespace rr::plugins {

using config::MapReader;

namespace {

std::vector<std::filesystem::path> absolute_paths(const std::vector<std::string>& in,
                                                  const config::DecodeContext& ctx) {
    std::vector<std::filesystem::path> out;
    for (const auto& p : in) {
        std::error_code ec;
        auto abs = std::filesystem::absolute(ctx.resolve(p), ec);
        std::filesystem::path n = (ec ? ctx.resolve(p) : abs).lexically_normal();
        if (!n.has_filename() && n != n.root_path()) n = n.parent_path();  // "/app/." -> "/app"
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace

ReloadConfig decode_reload_config(const config::Node& v, const std::string& path,
                                  const config::DecodeContext& ctx) {
    ReloadConfig cfg;
    MapReader r(v, path, ctx);
    config::Duration interval{0};
    if (r.read("interval", interval) && interval != config::Duration{0}) {
        // Upstream: 0 means the default; anything under a second is refused.
        if (interval < std::chrono::seconds(1)) {
            config::fail(r.child("interval"), "too short: the minimum is 1s");
        }
        cfg.interval = interval;
    }
    std::vector<std::string> patterns;
    if (r.read("patterns", patterns)) cfg.patterns = std::move(patterns);

    const config::Node* services = r.take("services");
    if (services == nullptr || !services->is_map() || services->entries.empty()) {
        if (services != nullptr && !services->is_map() && !services->is_null()) {
            config::fail_expected(r.child("services"), "a map of plugin names", *services);
        }
        config::fail(r.child("services"),
                     "required: at least one service (e.g. services: {http: {dirs: [\".\"]}})");
    }
    for (const auto& [name, node] : services->entries) {
        const std::string spath = r.child("services") + "." + name;
        ReloadServiceConfig svc;
        svc.name = ascii::to_lower(name);  // plugin names are lower-case (viper lowers keys)
        MapReader sr(node, spath, ctx);
        std::vector<std::string> dirs, ignore, svc_patterns;
        sr.read("dirs", dirs);
        sr.read("recursive", svc.recursive);
        sr.read("ignore", ignore);
        sr.read("patterns", svc_patterns);
        sr.finish();
        if (dirs.empty()) ctx.warn(spath + ".dirs: empty; nothing is watched for " + name);
        svc.dirs = absolute_paths(dirs, ctx);
        svc.ignore = absolute_paths(ignore, ctx);
        svc.patterns = std::move(svc_patterns);
        svc.patterns.insert(svc.patterns.end(), cfg.patterns.begin(), cfg.patterns.end());
        cfg.services.push_back(std::move(svc));
    }
    r.finish();
    return cfg;
}

}  // namespace rr::plugins
