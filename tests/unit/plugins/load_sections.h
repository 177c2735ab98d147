#pragma once
// Loads config text and decodes the `server` and `http` sections with the plugins' own
// decoders, collecting every warning, so section tests read like the old whole-file ones.

#include <optional>
#include <string>

#include "config/config.h"
#include "config/reader.h"
#include "plugins/http/config.h"
#include "plugins/server/config.h"

namespace rr::plugins::test {

struct Loaded {
    std::optional<ServerConfig> server;
    std::optional<HttpConfig> http;
    config::Warnings warnings;  ///< the loader's and the decoders'
};

inline Loaded load(const std::string& yaml, const config::LoadOptions& opts = {}) {
    const config::Config cfg = config::parse_string(yaml, opts);
    Loaded out;
    out.warnings = cfg.warnings;
    const config::DecodeContext ctx{cfg.base_dir, &out.warnings};
    if (const config::Node* s = cfg.section("server")) {
        out.server = decode_server_config(*s, "server", ctx);
    }
    if (const config::Node* h = cfg.section("http")) {
        out.http = decode_http_config(*h, "http", ctx);
    }
    return out;
}

/// The what() of the ConfigError load() throws, or "<no error>".
inline std::string load_error(const std::string& yaml, const config::LoadOptions& opts = {}) {
    try {
        (void)load(yaml, opts);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace rr::plugins::test
