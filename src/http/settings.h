#pragma once
// ServerSettings: everything the HTTP server needs, as a plain struct: its listeners and the
// limits shared by every connection. The http plugin maps config::HttpConfig (http.address,
// http.limits, max_request_size, trusted_subnets, ...) here. Defaults equal upstream's
// hard-coded plain-HTTP values (BEHAVIOUR.md §1.2).
//
// Thread safety: a value type, copied into the Server at construction.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/mapping.h"

namespace rr::http {

namespace tls {
class TlsContext;
}

/// One listening socket.
struct ListenerSettings {
    enum class Kind { kTcp, kUnix };
    Kind kind = Kind::kTcp;

    /// kTcp: "" = all IPv4 interfaces (upstream's ":8080"), "::" or "[::]" = all interfaces,
    /// dual-stack; an IPv4/IPv6 literal; "localhost" → 127.0.0.1; other names are resolved
    /// once at start().
    std::string host;
    std::uint16_t port = 0;  ///< kTcp: 0 = any free port (tests)
    bool reuse_port = true;  ///< kTcp: SO_REUSEPORT, as upstream's tcplisten

    /// kUnix: the socket file. A stale socket file (nobody accepting on it) is replaced; any
    /// other existing file is refused; the file is removed when the listener closes.
    std::string path;
    /// kUnix: permission bits of the socket file (connecting needs write permission). Default
    /// owner and group read/write; never widened by the umask, applied before anyone can
    /// connect.
    unsigned unix_mode = 0660;

    /// TLS on this listener (http.ssl): every connection starts with a handshake, ALPN then
    /// picks the session. Null = plain.
    std::shared_ptr<const tls::TlsContext> tls;

    /// Plain listener with `http.http2.h2c`: HTTP/2 without TLS, by prior knowledge (the
    /// client's first bytes are the HTTP/2 preface) or `Upgrade: h2c`. TLS listeners speak
    /// HTTP/2 when ALPN picks h2 (the context's ALPN list decides).
    bool h2c = false;

    /// `http.ssl.redirect` on the plain listener: every request is answered with 308 to
    /// https://<host>[:https_port]<path>?<query> and Strict-Transport-Security, as upstream;
    /// the handler never sees it (its on_complete still does, for the access log).
    bool redirect_to_https = false;
    std::uint16_t https_port = 443;  ///< the port in the redirect (omitted when 443)

    /// Named in start-up errors ("http.address: ..."), e.g. "http.address", "http.ssl.address".
    std::string config_key = "http.address";
};

struct ServerSettings {
    using Duration = std::chrono::steady_clock::duration;

    /// The listeners. Empty = one TCP listener made of `host`, `port` and `reuse_port` below
    /// (kept so callers that know only one TCP address need not build the list).
    std::vector<ListenerSettings> listeners;

    /// Listen host when `listeners` is empty; see ListenerSettings::host.
    std::string host;
    std::uint16_t port = 0;  ///< 0 = any free port (tests)
    bool reuse_port = true;  ///< SO_REUSEPORT, as upstream's tcplisten

    std::size_t max_header_bytes = 1024 * 1024;              ///< request line + fields → 431
    std::uint64_t max_request_size = 1000ull * 1024 * 1024;  ///< body bytes → 413

    /// Zero means no limit. The header timeout runs from the first byte of a request to the end
    /// of its head; the read timeout from the end of the head to the end of the body; each
    /// write must finish within the write timeout; the idle timeout covers a keep-alive
    /// connection with no request in progress.
    Duration header_timeout = std::chrono::minutes(5);
    Duration read_timeout = std::chrono::minutes(5);
    Duration write_timeout = std::chrono::minutes(5);
    Duration idle_timeout = std::chrono::hours(1);
    /// The TLS handshake must finish within this (a silent client does not hold a slot).
    Duration tls_handshake_timeout = std::chrono::seconds(10);
    /// How long a closing connection keeps reading (and discarding) after an error response,
    /// so the client sees the response instead of a reset.
    Duration linger_timeout = std::chrono::seconds(1);
    /// A keep-alive connection idle this long is parked by the sweep: its read buffer's pages
    /// go back to the kernel (h1 waits for readability instead; h1 over TLS and h2 keep their
    /// pending read and release their buffers in place) (docs/http.md, "Memory").
    /// Internal (no .rr.yaml key); tests shorten it.
    Duration park_idle_after = std::chrono::seconds(1);

    std::size_t max_connections = 10000;  ///< 0 = unlimited; beyond it: 503 + close
    /// Unread body bytes discarded to keep a connection alive after a response; more → close.
    std::uint64_t max_drain_bytes = 256 * 1024;

    int internal_error_code = 500;  ///< answer when the handler gives none (100..599)
    /// HTTP/2: SETTINGS_MAX_CONCURRENT_STREAMS, and the most handlers one connection runs at
    /// once (`http.http2.max_concurrent_streams`).
    std::uint32_t h2_max_concurrent_streams = 128;
    bool tls = false;  ///< scheme of the uri given to PHP (every listener)

    MappingOptions mapping;  ///< trusted subnets/headers for remoteAddr and the uri scheme
};

}  // namespace rr::http
