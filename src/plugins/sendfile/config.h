#pragma once
/// The `http.sendfile` section: an rr extension (upstream's sendfile middleware has no config).
/// docs/http.md "sendfile" describes the security model.
///
/// Thread safety: plain values.

#include <string>

#include "config/config.h"
#include "config/reader.h"

namespace rr::plugins {

struct SendfileConfig {
    /// When set, X-Sendfile paths must name files below this directory (resolved against the
    /// config's base dir; must exist); symlinks may not lead out of it. "" = any path the rr
    /// process can read (upstream's behaviour), `..` still refused.
    std::string root;
};

/// Decodes `http.sendfile` (absent = defaults). Throws ConfigError naming the key.
SendfileConfig decode_sendfile_config(const config::Node* v, const std::string& path,
                                      const config::DecodeContext& ctx);

}  // namespace rr::plugins
