// The TLS context and the sans-IO engine, driven in memory by an OpenSSL client: versions,
// ciphers, ALPN, resumption, every client_auth_type, errors at start-up naming their key.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "http/tls/context.h"
#include "http/tls/engine.h"
#include "support/tls_certs.h"

namespace rr::http::tls {
namespace {

namespace fs = std::filesystem;
using Status = TlsEngine::Status;

/// A client SSL over memory BIOs; pump() moves bytes between it and a server engine.
class MemClient {
public:
    explicit MemClient(SSL_CTX* ctx, const char* sni = "localhost") : ssl_(SSL_new(ctx)) {
        rbio_ = BIO_new(BIO_s_mem());
        wbio_ = BIO_new(BIO_s_mem());
        BIO_ctrl(rbio_, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nullptr);  // empty: retry, not EOF
        SSL_set_bio(ssl_, rbio_, wbio_);
        SSL_set_connect_state(ssl_);
        if (sni) {
            SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(sni));
        }
    }
    ~MemClient() { SSL_free(ssl_); }
    SSL* ssl() { return ssl_; }

    /// Runs both handshakes to the end (or a failure). Returns the server's last status.
    Status handshake(TlsEngine& server) {
        Status st = Status::kWantRead;
        for (int i = 0; i < 20; ++i) {
            const int r = SSL_do_handshake(ssl_);
            const int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_, r);
            to_server(server);
            st = server.handshake();
            to_client(server);
            if (st == Status::kError) return st;
            if (r == 1 && st == Status::kOk) return st;
            if (r != 1 && err != SSL_ERROR_WANT_READ) {
                client_failed_ = true;
                client_error_ = std::to_string(err) + " verify " +
                                X509_verify_cert_error_string(SSL_get_verify_result(ssl_)) + " " +
                                openssl_errors();
                return st;
            }
        }
        return st;
    }
    bool client_failed() const { return client_failed_; }
    const std::string& client_error() const { return client_error_; }

    void to_server(TlsEngine& server) {
        char buf[4096];
        int n;
        while ((n = BIO_read(wbio_, buf, sizeof buf)) > 0) {
            server.feed(std::string_view(buf, static_cast<std::size_t>(n)));
        }
    }
    void to_client(TlsEngine& server) {
        std::string out;
        server.take_output(out);
        if (!out.empty()) BIO_write(rbio_, out.data(), static_cast<int>(out.size()));
    }

    /// Reads what the client can decrypt now (also processes tickets).
    std::string read_all() {
        std::string s;
        char buf[4096];
        for (;;) {
            const int n = SSL_read(ssl_, buf, sizeof buf);
            if (n <= 0) break;
            s.append(buf, static_cast<std::size_t>(n));
        }
        return s;
    }

private:
    SSL* ssl_;
    BIO* rbio_;
    BIO* wbio_;
    bool client_failed_ = false;
    std::string client_error_;
};

std::string server_read(TlsEngine& e) {
    std::string s;
    char buf[4096];
    std::size_t n = 0;
    while (e.read(buf, sizeof buf, n) == Status::kOk) s.append(buf, n);
    return s;
}

class TlsEngineTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-tls-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        test::write_test_pki(dir_);
    }
    void TearDown() override {
        for (SSL_CTX* c : clients_) SSL_CTX_free(c);
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    TlsSettings settings() const {
        TlsSettings s;
        s.cert = (dir_ / "server.pem").string();
        s.key = (dir_ / "server.key").string();
        return s;
    }
    std::shared_ptr<TlsContext> context(const TlsSettings& s) {
        std::string error;
        auto ctx = TlsContext::create(s, error);
        EXPECT_TRUE(ctx) << error;
        return ctx;
    }
    /// A client that trusts the test CA; optional client certificate ("client"/"stranger").
    SSL_CTX* client(int max_version = 0, const std::string& cert = "",
                    const char* alpn = "\x02h2\x08http/1.1") {
        SSL_CTX* c = SSL_CTX_new(TLS_client_method());
        clients_.push_back(c);
        SSL_CTX_load_verify_locations(c, (dir_ / "ca.pem").c_str(), nullptr);
        SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
        if (max_version) {
            SSL_CTX_set_min_proto_version(c, TLS1_VERSION);
            SSL_CTX_set_max_proto_version(c, max_version);
            SSL_CTX_set_security_level(c, 0);
        }
        if (alpn) {
            SSL_CTX_set_alpn_protos(c, reinterpret_cast<const unsigned char*>(alpn),
                                    static_cast<unsigned>(std::strlen(alpn)));
        }
        if (!cert.empty()) {
            SSL_CTX_use_certificate_file(c, (dir_ / (cert + ".pem")).c_str(), SSL_FILETYPE_PEM);
            SSL_CTX_use_PrivateKey_file(c, (dir_ / (cert + ".key")).c_str(), SSL_FILETYPE_PEM);
        }
        return c;
    }

    fs::path dir_;
    std::vector<SSL_CTX*> clients_;
};

TEST_F(TlsEngineTest, Tls13HandshakeCarriesDataBothWaysAndReportsFacts) {
    auto ctx = context(settings());
    TlsEngine server(*ctx);
    MemClient c(client());
    ASSERT_EQ(c.handshake(server), Status::kOk) << server.error() << c.client_error();
    ASSERT_TRUE(server.handshake_done());
    const auto f = server.facts();
    EXPECT_EQ(f.version, "TLSv1.3");
    EXPECT_FALSE(f.cipher.empty());
    EXPECT_EQ(f.server_name, "localhost");
    EXPECT_EQ(f.alpn, "http/1.1");  // the client offered h2 too; the server lists only http/1.1
    EXPECT_FALSE(f.resumed);
    EXPECT_TRUE(f.client_subject.empty());

    ASSERT_EQ(SSL_write(c.ssl(), "GET / HTTP/1.1\r\n\r\n", 18), 18);
    c.to_server(server);
    EXPECT_EQ(server_read(server), "GET / HTTP/1.1\r\n\r\n");
    const std::string big(200 * 1024, 'x');  // many records
    ASSERT_TRUE(server.write(big));
    c.to_client(server);
    EXPECT_EQ(c.read_all(), big);
}

TEST_F(TlsEngineTest, Tls12WithAeadCipherAndOlderVersionsRefused) {
    auto ctx = context(settings());
    {
        TlsEngine server(*ctx);
        MemClient c(client(TLS1_2_VERSION));
        ASSERT_EQ(c.handshake(server), Status::kOk) << server.error();
        const auto f = server.facts();
        EXPECT_EQ(f.version, "TLSv1.2");
        EXPECT_EQ(f.cipher.rfind("ECDHE-", 0), 0u) << f.cipher;
        EXPECT_TRUE(f.cipher.find("GCM") != std::string::npos ||
                    f.cipher.find("CHACHA20") != std::string::npos)
            << f.cipher;
    }
    {
        TlsEngine server(*ctx);
        MemClient c(client(TLS1_1_VERSION));
        EXPECT_EQ(c.handshake(server), Status::kError);
        EXPECT_FALSE(server.error().empty());
    }
}

TEST_F(TlsEngineTest, AlpnPicksH2WhenTheServerOffersIt) {
    auto s = settings();
    s.alpn = {"h2", "http/1.1"};
    auto ctx = context(s);
    TlsEngine server(*ctx);
    MemClient c(client());
    ASSERT_EQ(c.handshake(server), Status::kOk);
    EXPECT_EQ(server.facts().alpn, "h2");

    TlsEngine plain(*ctx);
    MemClient no_alpn(client(0, "", nullptr));  // no ALPN at all: still served (HTTP/1.1)
    ASSERT_EQ(no_alpn.handshake(plain), Status::kOk);
    EXPECT_EQ(plain.facts().alpn, "");
}

TEST_F(TlsEngineTest, SessionsResumeWithTicketsOnTls13AndTls12) {
    auto ctx = context(settings());
    for (int version : {0, TLS1_2_VERSION}) {
        SSL_CTX* cctx = client(version);
        SSL_SESSION* session = nullptr;
        {
            TlsEngine server(*ctx);
            MemClient c(cctx);
            ASSERT_EQ(c.handshake(server), Status::kOk);
            c.read_all();  // TLS 1.3: the ticket arrives after the handshake
            session = SSL_get1_session(c.ssl());
            ASSERT_NE(session, nullptr);
            SSL_shutdown(c.ssl());  // a clean close keeps the session resumable
        }
        TlsEngine server(*ctx);
        MemClient c(cctx);
        SSL_set_session(c.ssl(), session);
        ASSERT_EQ(c.handshake(server), Status::kOk);
        EXPECT_TRUE(server.facts().resumed) << "version " << version;
        EXPECT_EQ(SSL_session_reused(c.ssl()), 1);
        SSL_SESSION_free(session);
    }
}

struct AuthCase {
    ClientAuth mode;
    const char* cert;  // "" none, "client" trusted, "stranger" untrusted
    bool ok;
    bool verified;
};

TEST_F(TlsEngineTest, ClientAuthTypesBehaveAsGo) {
    const AuthCase cases[] = {
        {ClientAuth::kNone, "", true, false},
        {ClientAuth::kNone, "client", true, false},  // not requested: nothing sent
        {ClientAuth::kRequest, "", true, false},
        {ClientAuth::kRequest, "client", true, true},
        {ClientAuth::kRequest, "stranger", true, false},
        {ClientAuth::kRequireAny, "", false, false},
        {ClientAuth::kRequireAny, "stranger", true, false},
        {ClientAuth::kVerifyIfGiven, "", true, false},
        {ClientAuth::kVerifyIfGiven, "client", true, true},
        {ClientAuth::kVerifyIfGiven, "stranger", false, false},
        {ClientAuth::kRequireAndVerify, "", false, false},
        {ClientAuth::kRequireAndVerify, "client", true, true},
        {ClientAuth::kRequireAndVerify, "stranger", false, false},
    };
    for (const auto& tc : cases) {
        auto s = settings();
        s.root_ca = (dir_ / "ca.pem").string();
        s.client_auth = tc.mode;
        auto ctx = context(s);
        TlsEngine server(*ctx);
        MemClient c(client(0, tc.cert));
        const Status st = c.handshake(server);
        // TLS 1.3: the client finishes before the server has checked its certificate; the
        // server's verdict is the one that counts.
        const bool ok = st == Status::kOk;
        EXPECT_EQ(ok, tc.ok) << static_cast<int>(tc.mode) << " " << tc.cert << " "
                             << server.error();
        if (ok) {
            const auto f = server.facts();
            EXPECT_EQ(f.client_verified, tc.verified) << static_cast<int>(tc.mode) << tc.cert;
            const bool sent = std::string(tc.cert) != "" && tc.mode != ClientAuth::kNone;
            EXPECT_EQ(!f.client_subject.empty(), sent) << f.client_subject;
            if (tc.verified) {
                EXPECT_EQ(f.client_subject, "CN=rr test client");
            }
        }
    }
}

TEST_F(TlsEngineTest, ClientAuthWithoutRootCaRequestsNothing) {
    auto s = settings();
    s.client_auth = ClientAuth::kRequireAndVerify;  // upstream applies it only with root_ca
    auto ctx = context(s);
    TlsEngine server(*ctx);
    MemClient c(client());
    EXPECT_EQ(c.handshake(server), Status::kOk);
}

TEST_F(TlsEngineTest, StartUpErrorsNameTheKey) {
    std::string error;
    auto s = settings();
    s.cert_key = "http.ssl.cert";
    s.key_key = "http.ssl.key";
    s.root_ca_key = "http.ssl.root_ca";

    auto missing = s;
    missing.cert = (dir_ / "nope.pem").string();
    EXPECT_FALSE(TlsContext::create(missing, error));
    EXPECT_EQ(error.rfind("http.ssl.cert: ", 0), 0u) << error;

    auto garbage = s;
    std::ofstream(dir_ / "garbage.key") << "not a key\n";
    garbage.key = (dir_ / "garbage.key").string();
    EXPECT_FALSE(TlsContext::create(garbage, error));
    EXPECT_EQ(error.rfind("http.ssl.key: ", 0), 0u) << error;

    auto mismatch = s;
    mismatch.key = (dir_ / "client.key").string();
    EXPECT_FALSE(TlsContext::create(mismatch, error));
    EXPECT_EQ(error.rfind("http.ssl.key: ", 0), 0u) << error;
    EXPECT_NE(error.find("mismatch"), std::string::npos) << error;

    auto bad_ca = s;
    bad_ca.root_ca = (dir_ / "garbage.key").string();
    EXPECT_FALSE(TlsContext::create(bad_ca, error));
    EXPECT_EQ(error.rfind("http.ssl.root_ca: ", 0), 0u) << error;
}

TEST_F(TlsEngineTest, GarbageIsAnErrorAndCloseNotifyIsClosed) {
    auto ctx = context(settings());
    {
        TlsEngine server(*ctx);
        server.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");  // plain HTTP to a TLS port
        EXPECT_EQ(server.handshake(), Status::kError);
        EXPECT_FALSE(server.error().empty());
    }
    TlsEngine server(*ctx);
    MemClient c(client());
    ASSERT_EQ(c.handshake(server), Status::kOk);
    SSL_shutdown(c.ssl());
    c.to_server(server);
    char buf[16];
    std::size_t n = 0;
    EXPECT_EQ(server.read(buf, sizeof buf, n), Status::kClosed);
}

}  // namespace
}  // namespace rr::http::tls
