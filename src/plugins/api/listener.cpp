#include "plugins/api/listener.h"

#include <utility>

namespace rr::plugins {

http::ListenerSettings listener_for(const config::Endpoint& address, std::string config_key) {
    http::ListenerSettings l;
    l.config_key = std::move(config_key);
    if (address.kind == config::Endpoint::Kind::kUnix) {
        l.kind = http::ListenerSettings::Kind::kUnix;
        l.path = address.path;
    } else {
        l.host = address.host;
        l.port = address.port;
    }
    return l;
}

}  // namespace rr::plugins
