#include "rpc/endpoint.h"

namespace rr::rpc {

std::string Endpoint::to_string() const {
    if (kind == Kind::kUnix) {
        return "unix://" + path;
    }
    const bool v6 = host.find(':') != std::string::npos;
    return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace rr::rpc
