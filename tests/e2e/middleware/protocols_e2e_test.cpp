// Middleware and the access log over every transport (issue 13): the same static, gzip,
// headers, sendfile and proxy_ip_parser results over plain HTTP/1.1, HTTP/1.1 on TLS, HTTP/2
// on TLS (ALPN) and h2c (prior knowledge), with real curl; the access log names the protocol.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "e2e/middleware/middleware_fixture.h"
#include "support/tls_certs.h"

namespace rr::e2e {
namespace {

struct Transport {
    const char* name;
    const char* curl_flags;  ///< protocol selection
    bool tls;
    const char* version;   ///< curl's %{http_version}
    const char* protocol;  ///< the access log's protocol field
};

constexpr Transport kTransports[] = {
    {"h1", "--http1.1", false, "1.1", "HTTP/1.1"},
    {"tls-h1", "--http1.1", true, "1.1", "HTTP/1.1"},
    {"tls-h2", "--http2", true, "2", "HTTP/2.0"},
    {"h2c", "--http2-prior-knowledge", false, "2", "HTTP/2.0"},
};

class ProtocolsE2E : public MiddlewareE2E {
protected:
    void SetUp() override {
        MiddlewareE2E::SetUp();
        rr::test::write_test_pki(dir_);
        ssl_port_ = pick_port();
        asset_ = json_text(50 * 1024);
        write_file(public_dir() / "app.json", asset_);
        write_file(dir_ / "files/report.txt", "the report body\n");
    }

    std::string yaml() const {
        return "  access_logs: true\n"
               "  middleware: [proxy_ip_parser, sendfile, static, headers, gzip]\n"
               "  trusted_subnets: [\"127.0.0.0/8\"]\n"
               "  static:\n    dir: \"" +
               public_dir().string() +
               "\"\n"
               "  headers:\n    response:\n      X-Powered-By: rr\n"
               "  http2:\n    h2c: true\n"
               "  ssl:\n    address: 127.0.0.1:" +
               std::to_string(ssl_port_) + "\n    cert: " + (dir_ / "server.pem").string() +
               "\n    key: " + (dir_ / "server.key").string() + "\n";
    }

    std::string base(const Transport& t) const {
        return t.tls ? "https://localhost:" + std::to_string(ssl_port_) : "http://" + host();
    }

    /// curl over `t`: the response head (lower-cased names kept as sent) and the decoded body.
    struct Got {
        int status = -1;
        std::string head;
        std::string body;
        std::string version;
    };
    Got fetch(const Transport& t, const std::string& target, const std::string& extra = "") {
        const std::string head = (dir_ / "head.txt").string();
        const std::string out = (dir_ / "body.bin").string();
        std::string cmd = "curl -sS --max-time 20 " + std::string(t.curl_flags) + " --cacert " +
                          (dir_ / "ca.pem").string() +
                          " --resolve localhost:" + std::to_string(ssl_port_) + ":127.0.0.1 -D " +
                          head + " -o " + out + " -w '%{http_code} %{http_version}' " + extra +
                          " '" + base(t) + target + "'";
        const auto r = run_command(cmd);
        if (rr_) rr_->drain();
        Got g;
        std::istringstream w(r.output);
        w >> g.status >> g.version;
        std::ifstream h(head), b(out, std::ios::binary);
        g.head.assign(std::istreambuf_iterator<char>(h), {});
        g.body.assign(std::istreambuf_iterator<char>(b), {});
        if (r.status != 0) g.status = -1;
        return g;
    }

    static bool has_header(const std::string& head, const std::string& line) {
        // HTTP/2 field names arrive lower-cased; compare case-insensitively.
        std::string h = head, l = line;
        for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return h.find(l) != std::string::npos;
    }

    std::uint16_t ssl_port_ = 0;
    std::string asset_;
};

TEST_F(ProtocolsE2E, MiddlewareAnswersTheSameOverEveryTransport) {
    ASSERT_NO_FATAL_FAILURE(start_with(yaml()));
    for (const Transport& t : kTransports) {
        SCOPED_TRACE(t.name);
        // static: served without PHP, compressed by gzip (outermost), headers added.
        const Got s = fetch(t, "/app.json", "--compressed -H 'Accept-Encoding: gzip'");
        ASSERT_EQ(s.status, 200) << s.head;
        EXPECT_EQ(s.version, t.version);
        EXPECT_EQ(s.body, asset_);
        EXPECT_TRUE(has_header(s.head, "content-encoding: gzip")) << s.head;
        EXPECT_TRUE(has_header(s.head, "x-powered-by: rr")) << s.head;
        EXPECT_FALSE(has_header(s.head, "x-count:")) << s.head;  // PHP never saw it

        // A conditional request on the static file: 304 on every transport.
        std::string lower = s.head;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto lm_at = lower.find("last-modified: ");
        ASSERT_NE(lm_at, std::string::npos) << s.head;
        const std::string since = s.head.substr(lm_at + 15, s.head.find('\r', lm_at) - lm_at - 15);
        const Got nm = fetch(t, "/app.json", "-H 'If-Modified-Since: " + since + "'");
        EXPECT_EQ(nm.status, 304) << nm.head;

        // sendfile: the file replaces the PHP body.
        const Got f = fetch(t, "/sendfile?path=" + (dir_ / "files/report.txt").string(), "");
        EXPECT_EQ(f.status, 200);
        EXPECT_EQ(f.body, "the report body\n");
        EXPECT_FALSE(has_header(f.head, "x-sendfile")) << f.head;
        EXPECT_TRUE(has_header(f.head, "content-type: application/x-test")) << f.head;

        // PHP itself, with the forwarded client address (proxy_ip_parser) in the access log.
        const std::string target = std::string("/ip-") + t.name;
        const Got p = fetch(t, target, "-H 'X-Forwarded-For: 203.0.113.7'");
        EXPECT_EQ(p.status, 200);
        EXPECT_EQ(p.body, "ip:203.0.113.7");  // proxy_ip_parser, whatever the protocol
        EXPECT_TRUE(has_header(p.head, "x-powered-by: rr")) << p.head;
    }
    // The access log: one line per PHP request, with the protocol that carried it (and the
    // peer's address, as on HTTP/1.1: the log records the connection's peer).
    for (const Transport& t : kTransports) {
        const std::string uri = std::string("/ip-") + t.name;
        ASSERT_TRUE(rr_->wait_for(uri, kTimeout, true)) << rr_->err();
        const std::string log = rr_->err();
        const auto at = log.find("URI=" + uri);
        ASSERT_NE(at, std::string::npos) << log;
        const auto bol = log.rfind('\n', at) + 1;
        const std::string line = log.substr(bol, log.find('\n', at) - bol);
        EXPECT_NE(line.find(std::string("protocol=") + t.protocol), std::string::npos) << line;
        EXPECT_NE(line.find("remote_address=127.0.0.1:"), std::string::npos) << line;
    }
}

}  // namespace
}  // namespace rr::e2e
