// Decoder of the `http.gzip` section (see config.h).

#include "plugins/gzip/config.h"

#include <algorithm>

namespace rr::plugins {

GzipConfig decode_gzip_config(const config::Node* v, const std::string& path,
                              const config::DecodeContext& ctx) {
    GzipConfig cfg;
    if (v == nullptr) return cfg;
    config::MapReader r(*v, path, ctx);
    r.read_int("level", cfg.level, 1, 9);
    r.read_int("brotli_level", cfg.brotli_level, 0, 11);
    r.read_int("zstd_level", cfg.zstd_level, 1, 19);
    r.read_int("min_size_bytes", cfg.min_size_bytes);
    r.read_int("cache_mb", cfg.cache_mb, 0, 1 << 20);
    if (const config::Node* e = r.take("encodings")) {
        const auto names = config::as_string_list(*e, r.child("encodings"));
        cfg.encodings.clear();
        for (const auto& raw : names) {
            std::string name = raw;
            name.erase(0, name.find_first_not_of(' '));
            name.erase(name.find_last_not_of(' ') + 1);
            const Coding c = coding_from_token(name);
            if (c == Coding::kIdentity || name == "x-gzip") {
                config::fail(r.child("encodings"),
                             "unknown encoding \"" + raw + "\" (expected gzip, br or zstd)");
            }
            if (std::find(cfg.encodings.begin(), cfg.encodings.end(), c) == cfg.encodings.end()) {
                cfg.encodings.push_back(c);
            }
        }
        if (cfg.encodings.empty()) config::fail(r.child("encodings"), "must not be empty");
    }
    r.finish();
    return cfg;
}

}  // namespace rr::plugins
