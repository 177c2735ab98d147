#pragma once
// rpc::Endpoint: where the RPC server listens and the client connects (`rpc.listen`).
// The config module has its own endpoint type; the rpc plugin copies the fields over.
//
// Thread safety: a value type.

#include <cstdint>
#include <string>

namespace rr::rpc {

struct Endpoint {
    enum class Kind { kTcp, kUnix };
    Kind kind = Kind::kTcp;
    std::string host;        ///< kTcp: IP literal or name; empty = all IPv4 interfaces (server),
                             ///< 127.0.0.1 (client)
    std::uint16_t port = 0;  ///< kTcp; 0 lets the server pick one (tests)
    std::string path;        ///< kUnix: socket file path, may be relative

    static Endpoint tcp(std::string host, std::uint16_t port) {
        return Endpoint{Kind::kTcp, std::move(host), port, {}};
    }
    static Endpoint unix_socket(std::string path) {
        return Endpoint{Kind::kUnix, {}, 0, std::move(path)};
    }

    /// "tcp://host:port" (IPv6 literals in brackets) or "unix://path": the form RR_RPC and
    /// PHP's Relay::create() use.
    std::string to_string() const;
};

}  // namespace rr::rpc
