// E2E: HTTPS (`http.ssl`, BEHAVIOUR.md §1.6) with the real curl: requests over TLS reach PHP
// with an https uri, the plain listener's redirect (308 + HSTS), every client_auth_type with
// and without a client certificate, certificate errors at start-up naming their key, and
// plain + TLS + unix listeners at once.
#include <nlohmann/json.hpp>

#include "e2e/http/rr_fixture.h"
#include "support/tls_certs.h"

namespace rr::e2e {
namespace {

using nlohmann::json;

struct Outcome {
    int code = -1;
    std::string out;
    std::string err;
};

Outcome run(const std::vector<std::string>& argv, const fs::path& cwd) {
    ChildProcess p(argv, cwd.string());
    const auto code = p.wait_exit(kTimeout);
    return {code.value_or(-1), p.out(), p.err()};
}

class Tls : public HttpE2E {
protected:
    void SetUp() override {
        HttpE2E::SetUp();
        rr::test::write_test_pki(dir_);
        ssl_port_ = pick_port();
    }

    /// The `ssl:` block (under `http:`), with extra lines (4-space indented).
    std::string ssl(const std::string& extra = "") const {
        return "  ssl:\n    address: 127.0.0.1:" + std::to_string(ssl_port_) +
               "\n    cert: " + (dir_ / "server.pem").string() +
               "\n    key: " + (dir_ / "server.key").string() + "\n" + extra;
    }
    std::string https(const std::string& path) const {
        return "https://127.0.0.1:" + std::to_string(ssl_port_) + path;
    }
    /// curl over TLS trusting the test CA; `cert`: "client", "stranger" or "" (none).
    Outcome curl(const std::string& url, const std::string& cert = "",
                 std::vector<std::string> extra = {}) {
        std::vector<std::string> argv = {
            "/usr/bin/curl", "-sS", "--max-time", "20", "--cacert", (dir_ / "ca.pem").string()};
        if (!cert.empty()) {
            argv.insert(argv.end(), {"--cert", (dir_ / (cert + ".pem")).string(), "--key",
                                     (dir_ / (cert + ".key")).string()});
        }
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back(url);
        auto r = run(argv, dir_);
        if (rr_) rr_->drain();
        return r;
    }

    std::uint16_t ssl_port_ = 0;
};

TEST_F(Tls, HttpsReachesPhpWithAnHttpsUriAndPlainStillServes) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().http_extra(ssl())));
    for (const char* version : {"--http1.1", "--tlsv1.2"}) {
        const Outcome r = curl(https("/secure?x=1"), "", {version});
        ASSERT_EQ(r.code, 0) << r.err;
        const json j = json::parse(r.out, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << r.out;
        EXPECT_EQ(j["uri"], https("/secure?x=1"));
        // curl offers h2 by ALPN unless told --http1.1, and HTTPS always speaks HTTP/2.
        EXPECT_EQ(j["protocol"], std::string(version) == "--http1.1" ? "1.1" : "2");
        EXPECT_EQ(j["remote_addr"], "127.0.0.1");
    }
    // TLS 1.1 is refused (minimum 1.2, as upstream).
    EXPECT_NE(curl(https("/old"), "", {"--tlsv1.1", "--tls-max", "1.1"}).code, 0);
    // The plain listener serves plain HTTP (no redirect configured).
    const auto plain = exchange(get("/plain"));
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->status, 200);
    const json j = json::parse(plain->body, nullptr, false);
    EXPECT_EQ(j["uri"], "http://" + host() + "/plain");
}

TEST_F(Tls, RedirectSendsPlainClientsToHttpsWithHsts) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().http_extra(ssl("    redirect: true\n"))));
    const auto r = exchange(get("/a/b?c=1"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 308);
    EXPECT_EQ(r->header("Location"), "https://127.0.0.1:" + std::to_string(ssl_port_) + "/a/b?c=1");
    EXPECT_EQ(r->header("Strict-Transport-Security"),
              "max-age=31536000; includeSubDomains; preload");
    // curl follows it to the HTTPS listener, where PHP answers.
    const Outcome follow = curl("http://" + host() + "/followed", "", {"-L"});
    ASSERT_EQ(follow.code, 0) << follow.err;
    const json j = json::parse(follow.out, nullptr, false);
    EXPECT_EQ(j["uri"], https("/followed"));
    // Redirects are logged like any request (upstream's log middleware wraps the redirect).
    rr_->drain();
    EXPECT_NE(rr_->err().find("status=308"), std::string::npos) << rr_->err();
}

struct AuthCase {
    const char* mode;
    bool without;   // a client without a certificate is served
    bool trusted;   // ... with one signed by root_ca
    bool stranger;  // ... with one from another CA
};

class TlsClientAuth : public Tls, public ::testing::WithParamInterface<AuthCase> {};

TEST_P(TlsClientAuth, ModeDecidesWhoIsServed) {
    const AuthCase& c = GetParam();
    ASSERT_NO_FATAL_FAILURE(
        start(Scenario().http_extra(ssl("    root_ca: " + (dir_ / "ca.pem").string() +
                                        "\n    client_auth_type: " + c.mode + "\n"))));
    auto served = [&](const std::string& cert) {
        const Outcome r = curl(https("/mtls"), cert);
        const json j = json::parse(r.out, nullptr, false);
        return r.code == 0 && !j.is_discarded() && j["uri"] == https("/mtls");
    };
    EXPECT_EQ(served(""), c.without) << c.mode << " without a certificate";
    EXPECT_EQ(served("client"), c.trusted) << c.mode << " with a trusted certificate";
    EXPECT_EQ(served("stranger"), c.stranger) << c.mode << " with an untrusted certificate";
}

INSTANTIATE_TEST_SUITE_P(
    Modes, TlsClientAuth,
    ::testing::Values(AuthCase{"no_client_certs", true, true, true},
                      AuthCase{"request_client_cert", true, true, true},
                      AuthCase{"require_any_client_cert", false, true, true},
                      AuthCase{"verify_client_cert_if_given", true, true, false},
                      AuthCase{"require_and_verify_client_cert", false, true, false}),
    [](const auto& p) { return std::string(p.param.mode); });

TEST_F(Tls, BadKeyFailsAtStartNamingTheKey) {
    { std::ofstream(dir_ / "bad.key") << "-----BEGIN PRIVATE KEY-----\nnope\n"; }
    launch(Scenario().http_extra("  ssl:\n    address: 127.0.0.1:" + std::to_string(ssl_port_) +
                                 "\n    cert: " + (dir_ / "server.pem").string() +
                                 "\n    key: " + (dir_ / "bad.key").string() + "\n"));
    EXPECT_EQ(rr_->wait_exit(kStartTimeout), 1) << rr_->err();
    EXPECT_NE(rr_->err().find("http.ssl.key"), std::string::npos) << rr_->err();
    rr_.reset();

    // A key that belongs to another certificate.
    launch(Scenario().http_extra("  ssl:\n    address: 127.0.0.1:" + std::to_string(ssl_port_) +
                                 "\n    cert: " + (dir_ / "server.pem").string() +
                                 "\n    key: " + (dir_ / "client.key").string() + "\n"));
    EXPECT_EQ(rr_->wait_exit(kStartTimeout), 1) << rr_->err();
    EXPECT_NE(rr_->err().find("http.ssl.key"), std::string::npos) << rr_->err();
    rr_.reset();
}

TEST_F(Tls, UnixPlainAndTlsListenersAtOnce) {
    const std::string sock = (dir_ / "app.sock").string();
    ASSERT_NO_FATAL_FAILURE(start(Scenario().address("unix://" + sock).http_extra(ssl())));
    const Outcome over_unix = run(
        {"/usr/bin/curl", "-sS", "--max-time", "20", "--unix-socket", sock, "http://localhost/u"},
        dir_);
    ASSERT_EQ(over_unix.code, 0) << over_unix.err;
    EXPECT_EQ(json::parse(over_unix.out, nullptr, false)["uri"], "http://localhost/u");
    const Outcome over_tls = curl(https("/t"));
    ASSERT_EQ(over_tls.code, 0) << over_tls.err;
    EXPECT_EQ(json::parse(over_tls.out, nullptr, false)["uri"], https("/t"));
}

TEST_F(Tls, HttpsOnlyConfigServes) {
    // No http.address at all: only the TLS listener.
    ASSERT_NO_FATAL_FAILURE(start(Scenario().address("none").http_extra(ssl())));
    const Outcome r = curl(https("/only"));
    ASSERT_EQ(r.code, 0) << r.err;
}

}  // namespace
}  // namespace rr::e2e
