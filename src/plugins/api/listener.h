#pragma once
// A configured address (`http.address`, `status.address`, `metrics.address`, …) as the listener
// settings of the HTTP server: tcp host:port or a unix socket path, with the key named in errors.
// Thread safety: pure function.

#include <string>

#include "config/config.h"
#include "http/settings.h"

namespace rr::plugins {

/// `config_key` names the key in start-up errors (bind failures, a file in the way).
http::ListenerSettings listener_for(const config::Endpoint& address, std::string config_key);

}  // namespace rr::plugins
