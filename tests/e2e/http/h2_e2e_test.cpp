// E2E: HTTP/2 (issue 13), over h2c (prior knowledge, Upgrade) and TLS (ALPN h2), with real
// clients: curl, nghttp, h2load, and python3-h2 for frame-level cases (h2_client.py), every
// attack followed by a fresh request that must still be served.
#include <fstream>
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

Outcome run(const std::vector<std::string>& argv, const fs::path& cwd,
            milliseconds timeout = milliseconds(120000)) {
    ChildProcess p(argv, cwd.string());
    const auto code = p.wait_exit(timeout);
    return {code.value_or(-1), p.out(), p.err()};
}

enum class Transport { kH2c, kTls };

class H2 : public HttpE2E {
protected:
    void SetUp() override {
        HttpE2E::SetUp();
        rr::test::write_test_pki(dir_);
        ssl_port_ = pick_port();
    }

    /// h2c on the plain listener, HTTPS (h2 by ALPN) on another; small limits so the limit
    /// cases are cheap: 16 KiB of headers, 1 MB bodies, 2 s writes.
    Scenario scenario(const std::string& worker, int workers = 2) const {
        return Scenario().worker(worker).workers(workers).http_extra(
            "  max_request_size: 1\n"
            "  http2:\n    h2c: true\n    max_concurrent_streams: 32\n"
            "  limits:\n    max_header_bytes: 16384\n    write_timeout: 2s\n"
            "  ssl:\n    address: 127.0.0.1:" +
            std::to_string(ssl_port_) + "\n    cert: " + (dir_ / "server.pem").string() +
            "\n    key: " + (dir_ / "server.key").string() + "\n");
    }

    /// Runs one h2_client.py case; its JSON answer (discarded JSON on failure).
    json py(Transport t, const std::string& name, const std::string& arg = "") {
        std::vector<std::string> argv = {
            "/usr/bin/python3", (fs::path(RR_SOURCE_DIR) / "tests/e2e/http/h2_client.py").string(),
            "--port",           std::to_string(t == Transport::kTls ? ssl_port_ : port_),
            "--timeout",        "10"};
        if (t == Transport::kTls) {
            argv.insert(argv.end(), {"--tls", "--ca", (dir_ / "ca.pem").string()});
        }
        argv.push_back(name);
        if (!arg.empty()) argv.push_back(arg);
        const Outcome r = run_draining(argv);
        last_ = name + ": " + r.out + r.err;
        json j = json::parse(r.out, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            ADD_FAILURE() << "h2_client.py " << name << " failed: " << last_;
            return json::object();
        }
        return j;
    }

    Outcome curl(std::vector<std::string> extra) {
        std::vector<std::string> argv = {
            "/usr/bin/curl", "-sS", "--max-time", "20", "--cacert", (dir_ / "ca.pem").string()};
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto r = run(argv, dir_);
        if (rr_) rr_->drain();
        return r;
    }

    /// run() while draining rr's log pipe (a busy rr would block on a full stderr pipe).
    Outcome run_draining(const std::vector<std::string>& argv) {
        ChildProcess p(argv, dir_.string());
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        for (;;) {
            const auto code = p.wait_exit(milliseconds(200));
            if (rr_) rr_->drain();
            if (code) return {*code, p.out(), p.err()};
            if (std::chrono::steady_clock::now() > until) return {-1, p.out(), p.err()};
        }
    }

    std::string https(const std::string& path) const {
        return "https://localhost:" + std::to_string(ssl_port_) + path;
    }
    std::string resolve() const { return "localhost:" + std::to_string(ssl_port_) + ":127.0.0.1"; }

    std::uint16_t ssl_port_ = 0;
    std::string last_;  // the last case's output, for failure messages
};

// --- real clients ------------------------------------------------------------------------------

TEST_F(H2, CurlSpeaksHttp2OverTlsAndCleartextBothWays) {
    ASSERT_NO_FATAL_FAILURE(start(scenario("dump.php")));
    auto check = [&](std::vector<std::string> args, const std::string& uri, const char* what) {
        args.insert(args.begin(), {"-w", "\n%{http_version}"});
        const Outcome r = curl(args);
        ASSERT_EQ(r.code, 0) << what << ": " << r.err;
        const auto nl = r.out.rfind('\n');
        EXPECT_EQ(r.out.substr(nl + 1), "2") << what;
        const json j = json::parse(r.out.substr(0, nl), nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << what << ": " << r.out;
        EXPECT_EQ(j["protocol"], "2") << what;
        EXPECT_EQ(j["uri"], uri) << what;
    };
    check({"--http2", "--resolve", resolve(), https("/tls?x=1")}, https("/tls?x=1"), "TLS ALPN");
    check({"--http2-prior-knowledge", "http://" + host() + "/pk"}, "http://" + host() + "/pk",
          "prior knowledge");
    check({"--http2", "http://" + host() + "/up"}, "http://" + host() + "/up", "Upgrade: h2c");
    // Uploads and forms over HTTP/2 (TLS and h2c): multipart files reach PHP intact.
    {
        std::string blob(300000, '\0');
        for (std::size_t i = 0; i < blob.size(); ++i)
            blob[i] = static_cast<char>((i * 7 + 3) & 0xff);
        std::ofstream(dir_ / "blob.bin", std::ios::binary) << blob;
        const std::string sha =
            run({"/usr/bin/sha1sum", (dir_ / "blob.bin").string()}, dir_).out.substr(0, 40);
        for (const auto& [flags, what] :
             std::vector<std::pair<std::vector<std::string>, const char*>>{
                 {{"--http2", "--resolve", resolve(), https("/upload")}, "TLS"},
                 {{"--http2-prior-knowledge", "http://" + host() + "/upload"}, "h2c"}}) {
            std::vector<std::string> args = {
                "-F", "title=hello h2", "-F",
                "doc=@" + (dir_ / "blob.bin").string() + ";type=application/x-test"};
            args.insert(args.end(), flags.begin(), flags.end());
            const Outcome r = curl(args);
            ASSERT_EQ(r.code, 0) << what << ": " << r.err;
            const json j = json::parse(r.out, nullptr, false);
            ASSERT_FALSE(j.is_discarded()) << what << ": " << r.out;
            EXPECT_EQ(j["protocol"], "2") << what;
            EXPECT_EQ(j["parsed"]["title"], "hello h2") << what;
            EXPECT_EQ(j["files"]["doc"]["length"], 300000) << what;
            EXPECT_EQ(j["files"]["doc"]["sha1"], sha) << what;
            EXPECT_EQ(j["files"]["doc"]["mime"], "application/x-test") << what;
        }
    }
    // HTTP/1.1 still works on both listeners.
    const Outcome h1 =
        curl({"--http1.1", "-w", "\n%{http_version}", "--resolve", resolve(), https("/one")});
    ASSERT_EQ(h1.code, 0) << h1.err;
    EXPECT_EQ(h1.out.substr(h1.out.rfind('\n') + 1), "1.1");
    // The access log records the protocol.
    EXPECT_TRUE(rr_->wait_for("protocol=HTTP/1.1", kTimeout, true)) << rr_->err();
    EXPECT_NE(rr_->err().find("protocol=HTTP/2.0"), std::string::npos) << rr_->err();
}

TEST_F(H2, NghttpAndH2loadGetEveryAnswer) {
    ASSERT_NO_FATAL_FAILURE(start(scenario("dump.php")));
    const Outcome n = run({"/usr/bin/nghttp", "-nv", "http://" + host() + "/a",
                           "http://" + host() + "/b", "http://" + host() + "/c"},
                          dir_);
    ASSERT_EQ(n.code, 0) << n.out << n.err;
    std::size_t ok = 0;
    for (auto p = n.out.find(":status: 200"); p != std::string::npos;
         p = n.out.find(":status: 200", p + 1)) {
        ++ok;
    }
    EXPECT_EQ(ok, 3u) << n.out;
    for (const std::string& url : {"http://" + host() + "/", https("/")}) {
        const Outcome h =
            run_draining({"/usr/bin/h2load", "-n", "400", "-c", "4", "-m", "10", url});
        ASSERT_EQ(h.code, 0) << h.out << h.err;
        EXPECT_NE(h.out.find("400 succeeded, 0 failed, 0 errored"), std::string::npos) << h.out;
    }
}

// --- frame-level cases, over h2c and TLS -------------------------------------------------------

class H2Frames : public H2, public ::testing::WithParamInterface<Transport> {};

TEST_P(H2Frames, RequestsReachPhpAsHttp2WithMergedCookies) {
    ASSERT_NO_FATAL_FAILURE(start(scenario("dump.php", 4)));
    json g = py(GetParam(), "get");
    ASSERT_EQ(g["status"], 200) << last_;
    const json body = json::parse(g["body"].get<std::string>(), nullptr, false);
    EXPECT_EQ(body["protocol"], "2");
    EXPECT_EQ(body["uri"], std::string(GetParam() == Transport::kTls ? "https" : "http") +
                               "://localhost/get?x=1");
    EXPECT_EQ(body["cookies"], json::parse(R"({"a":"1","b":"2"})"));
    EXPECT_EQ(body["headers"]["Cookie"], json::array({"a=1; b=2"}));  // joined, as Go does
    EXPECT_EQ(body["headers"]["X-Multi"], json::array({"one", "two"}));
    EXPECT_EQ(g["content_type"], "application/json");
    EXPECT_TRUE(g["date"].get<bool>());

    json c = py(GetParam(), "concurrent", "20");
    EXPECT_TRUE(c["ok"].get<bool>()) << last_;

    json p = py(GetParam(), "post", "900000");  // flow control: several windows' worth
    EXPECT_EQ(p["status"], 200) << last_;
    EXPECT_EQ(p["server_sha1"], p["sha1"]) << last_;

    json u = py(GetParam(), "unknown_length_post", "300000");
    EXPECT_EQ(u["status"], 200) << last_;
    EXPECT_EQ(u["length"], 300000) << last_;
}

TEST_P(H2Frames, ResponsesHintsTrailersStreamsAndHead) {
    ASSERT_NO_FATAL_FAILURE(start(scenario("stream.php")));
    json h = py(GetParam(), "hints");
    ASSERT_EQ(h["interim"].size(), 1u) << last_;
    EXPECT_EQ(h["interim"][0][":status"], "103");
    EXPECT_EQ(h["interim"][0]["link"], "</a.css>; rel=preload; as=style");
    EXPECT_EQ(h["status"], 200);
    EXPECT_FALSE(h["link_in_final"].get<bool>());
    EXPECT_EQ(h["body"], "final");

    json hop = py(GetParam(), "hop");
    EXPECT_EQ(hop["status"], 200) << last_;
    EXPECT_EQ(hop["body"], "hop") << last_;
    EXPECT_EQ(hop["kept"], "yes") << last_;
    for (const char* name : {"keep-alive", "upgrade", "proxy-connection", "connection"}) {
        EXPECT_EQ(std::count(hop["names"].begin(), hop["names"].end(), name), 0) << name;
    }

    json t = py(GetParam(), "trailers");
    EXPECT_EQ(t["body"], "part-1\npart-2\n") << last_;
    EXPECT_EQ(t["trailers"]["x-checksum"], "final-value") << last_;

    json b = py(GetParam(), "big", "3000000");
    EXPECT_EQ(b["length"], 3000000) << last_;
    EXPECT_TRUE(b["sha1_ok"].get<bool>()) << last_;

    json head = py(GetParam(), "head");
    EXPECT_EQ(head["status"], 200) << last_;
    EXPECT_EQ(head["length"], 0);
    EXPECT_EQ(head["content_length"], "5000");
}

TEST_P(H2Frames, ResetStreamStopsTheWorkerLikeAnHttp1Abort) {
    ASSERT_NO_FATAL_FAILURE(start(scenario("stream.php", 1)));
    json s = py(GetParam(), "streamed");
    EXPECT_GE(s["received"].get<int>(), 64 * 1024) << last_;
    EXPECT_EQ(s["status_after"], "stopped") << last_;  // the worker saw StreamStoppedException
    EXPECT_TRUE(s["still_open"].get<bool>());
}

TEST_P(H2Frames, LimitsGive431And413AndTheConnectionGoesOn) {
    ASSERT_NO_FATAL_FAILURE(start(scenario("dump.php")));
    json h = py(GetParam(), "header_too_large", "20000");
    EXPECT_EQ(h["status"], 431) << last_;
    EXPECT_EQ(h["next"], 200) << last_;
    json b = py(GetParam(), "body_too_large", "1048576");
    EXPECT_EQ(b["declared"], 413) << last_;
    EXPECT_EQ(b["undeclared"], 413) << last_;
    EXPECT_EQ(b["after"], 200);
}

TEST_P(H2Frames, AttacksEndTheirConnectionAndTheServerGoesOn) {
    ASSERT_NO_FATAL_FAILURE(start(scenario("dump.php")));
    // HPACK bomb: a small block that decodes to 64 MB is reset, quickly.
    json bomb = py(GetParam(), "hpack_bomb");
    EXPECT_FALSE(bomb["rst"].is_null() && bomb["goaway"].is_null()) << last_;
    EXPECT_LT(bomb["seconds"].get<double>(), 5.0);
    EXPECT_EQ(bomb["after"], 200) << last_;
    // Rapid reset (CVE-2023-44487): the connection is cut long before 5000 streams.
    json rr = py(GetParam(), "rapid_reset", "5000");
    EXPECT_FALSE(rr["goaway"].is_null() && !rr["closed"].get<bool>()) << last_;
    EXPECT_LT(rr["sent"].get<int>(), 5000) << last_;
    EXPECT_EQ(rr["after"], 200) << last_;
    for (const char* flood : {"continuation_flood", "settings_flood", "ping_flood",
                              "window_update_flood", "empty_data_flood"}) {
        json f = py(GetParam(), flood);
        EXPECT_TRUE(!f["goaway"].is_null() || f["closed"].get<bool>()) << flood << ": " << last_;
        if (!f["goaway"].is_null() && f["goaway"]["code"] != 2) {
            EXPECT_EQ(f["goaway"]["code"], 11) << flood;  // ENHANCE_YOUR_CALM
        }
        EXPECT_EQ(f["after"], 200) << flood << ": " << last_;
    }
    // Stream ids: the highest one works; after it the connection opens no stream (a lower id
    // is not answered), and a new connection serves.
    json ids = py(GetParam(), "stream_id_max");
    EXPECT_EQ(ids["top_status"], 200) << last_;
    EXPECT_TRUE(ids["low_status"].is_null()) << last_;
    EXPECT_EQ(ids["after"], 200);
}

TEST_P(H2Frames, ZeroWindowStallIsResetAfterTheWriteTimeout) {
    ASSERT_NO_FATAL_FAILURE(start(scenario("stream.php")));
    json z = py(GetParam(), "zero_window", "1000000");
    EXPECT_EQ(z["status"], 200) << last_;
    EXPECT_EQ(z["received"], 0);
    EXPECT_EQ(z["reset"], 8) << last_;  // CANCEL, after limits.write_timeout (2 s)
    EXPECT_EQ(z["after"], 200);
}

TEST_P(H2Frames, PingsAloneDoNotKeepAConnectionPastIdleTimeout) {
    Scenario s = scenario("dump.php");
    const auto at = s.http_extra_.find("    write_timeout: 2s\n");
    ASSERT_NE(at, std::string::npos);
    s.http_extra_.insert(at, "    idle_timeout: 1s\n");
    ASSERT_NO_FATAL_FAILURE(start(s));
    json g = py(GetParam(), "get");  // a request, then the connection is idle
    EXPECT_EQ(g["status"], 200) << last_;
    json k = py(GetParam(), "ping_keepalive", "15");
    EXPECT_TRUE(k["closed"].get<bool>()) << last_;  // well before the 15 s the client would go on
    EXPECT_LT(k["seconds"].get<double>(), 10.0) << last_;
    EXPECT_EQ(k["after"], 200) << last_;
}

TEST_P(H2Frames, StopSendsGoawayAndFinishesTheStreamInFlight) {
    ASSERT_NO_FATAL_FAILURE(start(scenario("stream.php")));
    const std::string fifo = make_fifo("wait.fifo");
    std::vector<std::string> argv = {
        "/usr/bin/python3", (fs::path(RR_SOURCE_DIR) / "tests/e2e/http/h2_client.py").string(),
        "--port",           std::to_string(GetParam() == Transport::kTls ? ssl_port_ : port_),
        "--timeout",        "10"};
    if (GetParam() == Transport::kTls) {
        argv.insert(argv.end(), {"--tls", "--ca", (dir_ / "ca.pem").string()});
    }
    argv.insert(argv.end(), {"goaway_on_stop", fifo});
    ChildProcess client(argv, dir_.string());
    ASSERT_TRUE(client.wait_for("ready", kTimeout)) << client.out() << client.err();
    rr_->signal(SIGTERM);  // the request is in flight (the worker blocks on the FIFO)
    ASSERT_TRUE(client.wait_for("goaway", kTimeout)) << client.out() << client.err();
    release_fifo(fifo, "released");
    ASSERT_EQ(client.wait_exit(kTimeout), 0) << client.err();
    std::string out = client.out();
    while (!out.empty() && out.back() == '\n') out.pop_back();
    const json j = json::parse(out.substr(out.rfind('\n') + 1), nullptr, false);
    ASSERT_FALSE(j["goaway"].is_null()) << out;
    SCOPED_TRACE(out + rr_->err());
    EXPECT_EQ(j["goaway"]["code"], 0);  // NO_ERROR: graceful
    EXPECT_EQ(j["status"], 200);
    EXPECT_EQ(j["body"], "waited released");
    EXPECT_EQ(rr_->wait_exit(kTimeout), 0) << rr_->err();
    rr_.reset();
}

INSTANTIATE_TEST_SUITE_P(Transports, H2Frames, ::testing::Values(Transport::kH2c, Transport::kTls),
                         [](const auto& p) {
                             return std::string(p.param == Transport::kTls ? "Tls" : "H2c");
                         });

}  // namespace
}  // namespace rr::e2e
