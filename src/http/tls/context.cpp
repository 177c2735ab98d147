#include "http/tls/context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstring>

namespace rr::http::tls {

namespace {

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:P-256:P-384:P-521";
constexpr unsigned char kSessionIdContext[] = "rr-http";

/// Accepts any client certificate (request/require-any: the certificate is not verified).
int accept_any(int /*preverify*/, X509_STORE_CTX* /*ctx*/) {
    return 1;
}

/// ALPN: the first of the server's protocols the client offers; none in common → no ALPN
/// (the connection goes on as HTTP/1.1, as Go's server does).
int select_alpn(SSL* /*ssl*/, const unsigned char** out, unsigned char* outlen,
                const unsigned char* in, unsigned int inlen, void* arg) {
    const auto* self = static_cast<const TlsContext*>(arg);
    const std::string& ours = self->alpn_wire();
    unsigned char* selected = nullptr;
    if (SSL_select_next_proto(
            &selected, outlen, reinterpret_cast<const unsigned char*>(ours.data()),
            static_cast<unsigned int>(ours.size()), in, inlen) != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

}  // namespace

std::string openssl_errors() {
    std::string out;
    while (const unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out;
}

TlsContext::TlsContext(SSL_CTX* ctx, TlsSettings settings)
    : ctx_(ctx), settings_(std::move(settings)) {
    for (const auto& p : settings_.alpn) {
        if (p.empty() || p.size() > 255) continue;
        alpn_wire_.push_back(static_cast<char>(p.size()));
        alpn_wire_ += p;
    }
}

TlsContext::~TlsContext() {
    SSL_CTX_free(ctx_);
}

std::shared_ptr<TlsContext> TlsContext::create(const TlsSettings& s, std::string& error) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == nullptr) {
        error = "tls: cannot create an OpenSSL context: " + openssl_errors();
        return nullptr;
    }
    std::shared_ptr<TlsContext> self(new TlsContext(ctx, s));
    auto fail = [&](const std::string& key, const std::string& what) {
        const std::string detail = openssl_errors();
        error = key + ": " + what + (detail.empty() ? "" : ": " + detail);
        return nullptr;
    };

    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA |
                                 SSL_OP_SINGLE_ECDH_USE);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1 ||
        SSL_CTX_set_ciphersuites(ctx, kTls13Suites) != 1 ||
        SSL_CTX_set1_groups_list(ctx, kGroups) != 1) {
        return fail("tls", "cannot set the cipher defaults");
    }
    // Resumption: tickets (stateless) and the server session cache; one ticket per TLS 1.3
    // handshake is enough for a client that reconnects.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, 20480);
    SSL_CTX_set_num_tickets(ctx, 1);
    SSL_CTX_set_session_id_context(ctx, kSessionIdContext, sizeof kSessionIdContext - 1);

    if (SSL_CTX_use_certificate_chain_file(ctx, s.cert.c_str()) != 1) {
        return fail(s.cert_key, "cannot load the certificate from " + s.cert);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, s.key.c_str(), SSL_FILETYPE_PEM) != 1) {
        return fail(s.key_key, "cannot load the private key from " + s.key);
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        return fail(s.key_key,
                    "the private key in " + s.key + " does not match the certificate " + s.cert);
    }

    if (!s.root_ca.empty()) {
        if (SSL_CTX_load_verify_locations(ctx, s.root_ca.c_str(), nullptr) != 1) {
            return fail(s.root_ca_key, "cannot load CA certificates from " + s.root_ca);
        }
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(s.root_ca.c_str());
        if (names == nullptr) {
            return fail(s.root_ca_key, "no CA certificate in " + s.root_ca);
        }
        SSL_CTX_set_client_CA_list(ctx, names);
        switch (s.client_auth) {
            case ClientAuth::kNone:
                SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
                break;
            case ClientAuth::kRequest:
                SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any);
                break;
            case ClientAuth::kRequireAny:
                SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                                   accept_any);
                break;
            case ClientAuth::kVerifyIfGiven:
                SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
                break;
            case ClientAuth::kRequireAndVerify:
                SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
                break;
        }
    }
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, self.get());
    ERR_clear_error();
    return self;
}

}  // namespace rr::http::tls
