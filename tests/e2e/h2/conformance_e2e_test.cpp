// E2E: our RFC 9113 conformance run (tests/e2e/h2/conformance.py, docs/http.md "HTTP/2
// conformance") against a real rr with an h2c listener and a TLS listener (ALPN h2). Every case
// must pass or be one of the known, documented libnghttp2 deviations; the counts are printed.
#include "e2e/http/rr_fixture.h"
#include "support/tls_certs.h"

namespace rr::e2e {
namespace {

class H2Conformance : public HttpE2E {
protected:
    void SetUp() override {
        HttpE2E::SetUp();
        rr::test::write_test_pki(dir_);
        ssl_port_ = pick_port();
    }

    /// Runs conformance.py; its stdout, with rr's log pipe drained meanwhile.
    std::pair<int, std::string> conformance(bool tls) {
        std::vector<std::string> argv = {
            "/usr/bin/python3", (fs::path(RR_SOURCE_DIR) / "tests/e2e/h2/conformance.py").string(),
            "--port",           std::to_string(tls ? ssl_port_ : port_),
            "--timeout",        "10"};
        if (tls) argv.insert(argv.end(), {"--tls", "--ca", (dir_ / "ca.pem").string()});
        ChildProcess p(argv, dir_.string());
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(300);
        for (;;) {
            const auto code = p.wait_exit(milliseconds(200));
            if (rr_) rr_->drain();
            if (code) return {*code, p.out() + p.err()};
            if (std::chrono::steady_clock::now() > until) return {-1, p.out() + p.err()};
        }
    }

    std::uint16_t ssl_port_ = 0;
};

TEST_F(H2Conformance, Rfc9113MustsOverH2cAndTls) {
    ASSERT_NO_FATAL_FAILURE(
        start(Scenario()
                  .worker("dump.php")
                  .workers(2)
                  .http_extra("  http2:\n    h2c: true\n    max_concurrent_streams: 32\n"
                              "  ssl:\n    address: 127.0.0.1:" +
                              std::to_string(ssl_port_) +
                              "\n    cert: " + (dir_ / "server.pem").string() +
                              "\n    key: " + (dir_ / "server.key").string() + "\n")));
    for (const bool tls : {false, true}) {
        const auto [code, out] = conformance(tls);
        SCOPED_TRACE(out);
        EXPECT_EQ(code, 0) << (tls ? "TLS" : "h2c");
        const auto line = out.find("conformance: ");
        ASSERT_NE(line, std::string::npos);
        std::cout << out.substr(line, out.find('\n', line) - line) << "\n";
        EXPECT_NE(out.find(", 0 failed"), std::string::npos);
        // The configured http2.max_concurrent_streams is what the server advertises and enforces.
        EXPECT_NE(out.find("PASS 5.1.2"), std::string::npos);
        EXPECT_NE(out.find("refused — limit 32: "), std::string::npos);
        // Each known deviation is exactly the one documented; nothing else may deviate.
        std::size_t deviations = 0;
        for (auto p = out.find("DEVIATION "); p != std::string::npos;
             p = out.find("DEVIATION ", p + 1)) {
            ++deviations;
        }
        EXPECT_LE(deviations, 2u);
    }
    // The server still serves after about 180 broken connections.
    RawClient c(port_);
    ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto r = c.read_response(kTimeout);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace rr::e2e
