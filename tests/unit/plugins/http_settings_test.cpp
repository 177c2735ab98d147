// plugins/http/settings.h: http.address / http.ssl → the server's listeners, and the TLS
// context built at start-up (errors name their key).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/config.h"
#include "http/tls/context.h"
#include "plugins/http/settings.h"
#include "support/tls_certs.h"

namespace rr::plugins {
namespace {

namespace fs = std::filesystem;

class HttpSettings : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-settings-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        rr::test::write_test_pki(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    SslConfig ssl() const {
        SslConfig s;
        s.address = *config::parse_endpoint("127.0.0.1:8443");
        s.cert = (dir_ / "server.pem").string();
        s.key = (dir_ / "server.key").string();
        return s;
    }
    fs::path dir_;
};

TEST_F(HttpSettings, UnixAddressIsAUnixListenerAndNeverTcp) {
    HttpConfig http;
    http.address = *config::parse_endpoint("unix:///run/app.sock");
    const auto s = server_settings(http);
    ASSERT_EQ(s.listeners.size(), 1u);
    EXPECT_EQ(s.listeners[0].kind, http::ListenerSettings::Kind::kUnix);
    EXPECT_EQ(s.listeners[0].path, "/run/app.sock");
    EXPECT_EQ(s.listeners[0].config_key, "http.address");
}

TEST_F(HttpSettings, SslAddsATlsListenerAndRedirectTurnsThePlainOneIntoARedirect) {
    HttpConfig http;
    http.address = *config::parse_endpoint("127.0.0.1:8080");
    http.ssl = ssl();
    http.ssl->redirect = true;
    auto tls = tls_context(http);
    ASSERT_TRUE(tls);
    const auto s = server_settings(http, tls);
    ASSERT_EQ(s.listeners.size(), 2u);
    EXPECT_TRUE(s.listeners[0].redirect_to_https);
    EXPECT_EQ(s.listeners[0].https_port, 8443);
    EXPECT_FALSE(s.listeners[0].tls);
    EXPECT_EQ(s.listeners[1].tls, tls);
    EXPECT_EQ(s.listeners[1].port, 8443);
    EXPECT_EQ(s.listeners[1].config_key, "http.ssl.address");

    http.address.reset();  // HTTPS only
    const auto only = server_settings(http, tls);
    ASSERT_EQ(only.listeners.size(), 1u);
    EXPECT_TRUE(only.listeners[0].tls);
}

TEST_F(HttpSettings, TlsContextErrorsNameTheKey) {
    HttpConfig http;
    http.ssl = ssl();
    http.ssl->key = (dir_ / "client.key").string();  // not the certificate's key
    try {
        (void)tls_context(http);
        FAIL() << "expected ConfigError";
    } catch (const config::ConfigError& e) {
        EXPECT_EQ(e.key_path(), "http.ssl.key");
    }
    http.ssl = ssl();
    { std::ofstream(dir_ / "bad-ca.pem") << "nothing here\n"; }
    http.ssl->root_ca = (dir_ / "bad-ca.pem").string();
    try {
        (void)tls_context(http);
        FAIL() << "expected ConfigError";
    } catch (const config::ConfigError& e) {
        EXPECT_EQ(e.key_path(), "http.ssl.root_ca");
    }
    EXPECT_FALSE(tls_context(HttpConfig{}));
}

}  // namespace
}  // namespace rr::plugins
