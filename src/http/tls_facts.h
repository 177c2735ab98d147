#pragma once
// TlsFacts: what a TLS handshake established, as the layers above the stream may want it (logs,
// middleware). Protocol-neutral and dependency-free, so the TLS engine (no Asio) and the core
// Request can share it.
//
// Thread safety: a plain value type.

#include <string>

namespace rr::http {

struct TlsFacts {
    std::string version;      ///< "TLSv1.3", "TLSv1.2"
    std::string cipher;       ///< "TLS_AES_128_GCM_SHA256", ...
    std::string server_name;  ///< SNI ("" when none)
    std::string alpn;         ///< "h2", "http/1.1" or "" (none negotiated)
    bool resumed = false;     ///< an abbreviated handshake (ticket or session cache)
    /// The client certificate's subject, RFC 2253 ("" when none); `client_verified`: it
    /// chained to ssl.root_ca.
    std::string client_subject;
    bool client_verified = false;
};

}  // namespace rr::http
