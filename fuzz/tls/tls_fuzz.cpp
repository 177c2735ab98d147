// Fuzzes the server side of a TLS connection (rr::http::tls::TlsEngine) through its only input,
// the bytes from the peer. The first input byte picks the mode:
//   0: the bytes are the client's first flight (ClientHello parsing, record layer, alerts);
//   1: a real in-memory client completes a handshake first (TLS 1.3 or 1.2, with or without a
//      client certificate request), then the bytes arrive as raw records;
//   2: after the handshake the client encrypts the bytes as application data: the engine must
//      decrypt them intact, and its answer must decrypt intact on the client.
// The second byte: bit 0 TLS 1.2 (else 1.3), bit 1 the server asks for a client certificate,
// and in modes 1 and 2 bit 2 resumes a session (a ticket made once at start) instead of a full
// handshake: the resumption path is covered too, and those inputs skip the certificate
// exchange, whose parsing in the client (OpenSSL 3's decoders) was a third of a handshake.
// Certificates are made once at start (tests/support/tls_certs.h). The engine must never crash,
// leak or loop, whatever arrives.
#include <openssl/ssl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "http/tls/context.h"
#include "http/tls/engine.h"
#include "support/tls_certs.h"

namespace {

using rr::http::tls::TlsContext;
using rr::http::tls::TlsEngine;
namespace fs = std::filesystem;

struct Fixture {
    std::shared_ptr<TlsContext> server;
    std::shared_ptr<TlsContext> server_mtls;
    SSL_CTX* client13 = nullptr;
    SSL_CTX* client12 = nullptr;
    SSL_SESSION* sessions[2][2] = {};  // [mtls][tls12], made in the constructor

    Fixture() {
        std::string dir = (fs::temp_directory_path() / "rr-tls-fuzz-XXXXXX").string();
        if (::mkdtemp(dir.data()) == nullptr) std::abort();
        rr::test::write_test_pki(dir);
        rr::http::tls::TlsSettings s;
        s.cert = dir + "/server.pem";
        s.key = dir + "/server.key";
        s.alpn = {"h2", "http/1.1"};
        std::string error;
        server = TlsContext::create(s, error);
        s.root_ca = dir + "/ca.pem";
        s.client_auth = rr::http::tls::ClientAuth::kVerifyIfGiven;
        server_mtls = TlsContext::create(s, error);
        if (!server || !server_mtls) std::abort();
        client13 = SSL_CTX_new(TLS_client_method());
        client12 = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_max_proto_version(client12, TLS1_2_VERSION);
        std::error_code ec;
        fs::remove_all(dir, ec);
        for (int mtls = 0; mtls < 2; ++mtls) {
            for (int tls12 = 0; tls12 < 2; ++tls12) {
                sessions[mtls][tls12] =
                    make_session(mtls ? *server_mtls : *server, tls12 ? client12 : client13);
            }
        }
    }

    static SSL_SESSION* make_session(TlsContext& server_ctx, SSL_CTX* client_ctx);
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

/// A client over memory BIOs, pumped against the engine.
struct Client {
    SSL* ssl;
    BIO* in;
    BIO* out;
    explicit Client(SSL_CTX* ctx)
        : ssl(SSL_new(ctx)), in(BIO_new(BIO_s_mem())), out(BIO_new(BIO_s_mem())) {
        BIO_ctrl(in, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nullptr);
        SSL_set_bio(ssl, in, out);
        SSL_set_connect_state(ssl);
    }
    ~Client() {
        // Freed without a shutdown, OpenSSL would mark the session not resumable, and the
        // session shared by every resuming input (Fixture::sessions) would then be useless.
        SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(ssl);
    }
    void to_server(TlsEngine& e) {
        char buf[4096];
        int n;
        while ((n = BIO_read(out, buf, sizeof buf)) > 0)
            e.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    }
    void to_client(TlsEngine& e) {
        std::string s;
        e.take_output(s);
        if (!s.empty()) BIO_write(in, s.data(), static_cast<int>(s.size()));
    }
    bool handshake(TlsEngine& e) {
        for (int i = 0; i < 10; ++i) {
            const int r = SSL_do_handshake(ssl);
            to_server(e);
            const auto st = e.handshake();
            to_client(e);
            if (st == TlsEngine::Status::kError) return false;
            if (r == 1 && st == TlsEngine::Status::kOk) return true;
        }
        return false;
    }
};

SSL_SESSION* Fixture::make_session(TlsContext& server_ctx, SSL_CTX* client_ctx) {
    TlsEngine server(server_ctx);
    Client client(client_ctx);
    if (!client.handshake(server)) std::abort();
    char byte = 0;
    (void)SSL_read(client.ssl, &byte, 1);  // takes the TLS 1.3 ticket sent after the handshake
    SSL_SESSION* session = SSL_get1_session(client.ssl);
    if (session == nullptr || SSL_SESSION_is_resumable(session) == 0) std::abort();
    return session;
}

/// Reads everything the engine can decrypt now; returns false on a fatal status.
bool drain(TlsEngine& e, std::string& got) {
    char buf[8192];
    for (;;) {
        std::size_t n = 0;
        const auto st = e.read(buf, sizeof buf, n);
        if (st == TlsEngine::Status::kOk) {
            got.append(buf, n);
            continue;
        }
        return st == TlsEngine::Status::kWantRead;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    Fixture& f = fixture();
    const int mode = data[0] % 3;
    const bool tls12 = (data[1] & 1) != 0;
    const bool mtls = (data[1] & 2) != 0;
    const std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
    TlsEngine server(mtls ? *f.server_mtls : *f.server);

    if (mode == 0) {
        // In pieces, as a socket would deliver them.
        std::size_t chunk = 1 + (data[1] >> 2);
        for (std::size_t i = 0; i < input.size(); i += chunk) {
            server.feed(input.substr(i, chunk));
            const auto st = server.handshake();
            std::string out;
            server.take_output(out);
            if (st == TlsEngine::Status::kError) return 0;
            if (st == TlsEngine::Status::kOk) {
                std::string got;
                if (!drain(server, got)) return 0;
            }
        }
        return 0;
    }

    Client client(tls12 ? f.client12 : f.client13);
    if ((data[1] & 4) != 0) SSL_set_session(client.ssl, f.sessions[mtls][tls12]);
    if (!client.handshake(server)) return 0;
    if (mode == 1) {
        server.feed(input);
        std::string got;
        drain(server, got);
        server.write("answer");
        std::string out;
        server.take_output(out);
        return 0;
    }
    // mode 2: application data must round-trip intact.
    if (!input.empty() &&
        SSL_write(client.ssl, input.data(), static_cast<int>(input.size())) <= 0) {
        return 0;
    }
    client.to_server(server);
    std::string got;
    if (!drain(server, got)) std::abort();
    if (got != input) std::abort();
    if (!server.write(got)) std::abort();
    client.to_client(server);
    std::string back;
    char buf[8192];
    int n;
    while ((n = SSL_read(client.ssl, buf, sizeof buf)) > 0)
        back.append(buf, static_cast<std::size_t>(n));
    if (back != input) std::abort();
    return 0;
}
