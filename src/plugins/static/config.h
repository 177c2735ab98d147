#pragma once
/// The `http.static` section (BEHAVIOUR.md §1.5, docs/http.md "static", docs/config.md).
///
/// Thread safety: plain values.

#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"
#include "plugins/static/static_root.h"

namespace rr::plugins {

struct StaticConfig {
    std::string dir = ".";            ///< resolved against the config's base dir; must exist
    std::vector<std::string> forbid;  ///< lower-cased extensions with the dot (".php")
    std::vector<std::string> allow;   ///< lower-cased; empty = every extension not forbidden
    bool calculate_etag = false;
    bool weak = false;            ///< W/"crc32(file name)" instead of the content hash
    config::HeaderList request;   ///< accepted as upstream; no visible effect (see docs)
    config::HeaderList response;  ///< set on every static response
    SymlinkPolicy symlinks = SymlinkPolicy::kFollow;  ///< rr extension `symlinks`
};

/// Decodes `http.static`. Throws ConfigError naming the key (a missing directory, a bad
/// `symlinks` value); unknown keys are warnings.
StaticConfig decode_static_config(const config::Node& v, const std::string& path,
                                  const config::DecodeContext& ctx);

}  // namespace rr::plugins
