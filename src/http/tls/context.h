#pragma once
// TlsContext: the server's OpenSSL context for `http.ssl` (BEHAVIOUR.md §1.6), built once at
// start-up and shared by every TLS connection of a listener.
//
// Defaults follow upstream's tlsconf: TLS 1.2 minimum (1.3 preferred), ECDHE key exchange on
// X25519 / P-256 / P-384 / P-521, AEAD ciphers only (AES-GCM, ChaCha20-Poly1305; ChaCha20
// first for clients that prefer it, i.e. without AES hardware), no renegotiation, no
// compression. Session resumption is on: stateless session tickets (TLS 1.2 and 1.3) plus the
// server-side session cache for TLS 1.2 clients without ticket support.
//
// Client certificates (`client_auth_type`, Go's tls.ClientAuthType), applied only when
// `root_ca` is set, as upstream:
//   kNone                 no certificate requested
//   kRequest              requested, not required, not verified
//   kRequireAny           required, not verified
//   kVerifyIfGiven        requested; verified against root_ca when sent
//   kRequireAndVerify     required and verified against root_ca
// Verification trusts root_ca only (upstream also trusts the system roots; see compat.md).
//
// No Asio here: the context and the engine (tls/engine.h) build without it (fuzz/tls/).
// Thread safety: immutable after create(); safe to share across threads.

#include <memory>
#include <string>
#include <vector>

struct ssl_ctx_st;  // SSL_CTX

namespace rr::http::tls {

enum class ClientAuth { kNone, kRequest, kRequireAny, kVerifyIfGiven, kRequireAndVerify };

struct TlsSettings {
    std::string cert;     ///< PEM certificate (chain) file
    std::string key;      ///< PEM private key file
    std::string root_ca;  ///< PEM CA bundle for client certificates; "" = none requested
    ClientAuth client_auth = ClientAuth::kNone;
    /// ALPN protocols the server accepts, in its order of preference ("h2", "http/1.1").
    /// A client that offers none of them still connects (HTTP/1.1), as Go does.
    std::vector<std::string> alpn = {"http/1.1"};
    /// Config keys named in errors (the plugin passes "http.ssl.cert", ...).
    std::string cert_key = "ssl.cert";
    std::string key_key = "ssl.key";
    std::string root_ca_key = "ssl.root_ca";
};

class TlsContext {
public:
    /// Loads the certificate and key (and root_ca) and configures the context. On failure
    /// returns null and sets `error` to a message that starts with the config key
    /// ("http.ssl.key: cannot load the private key from key.pem: ...").
    static std::shared_ptr<TlsContext> create(const TlsSettings& settings, std::string& error);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    ssl_ctx_st* native() const noexcept { return ctx_; }
    const TlsSettings& settings() const noexcept { return settings_; }
    /// The ALPN list in wire format (length-prefixed names).
    const std::string& alpn_wire() const noexcept { return alpn_wire_; }

private:
    TlsContext(ssl_ctx_st* ctx, TlsSettings settings);

    ssl_ctx_st* ctx_;
    TlsSettings settings_;
    std::string alpn_wire_;
};

/// The queued OpenSSL errors of this thread as one line ("" if none); clears the queue.
std::string openssl_errors();

}  // namespace rr::http::tls
