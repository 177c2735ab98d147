// TLS listeners through the Server: requests over TLS (keep-alive, big bodies both ways), what
// the handler learns, the handshake deadline, clients that speak plain HTTP to the TLS port,
// the HTTPS redirect of the plain listener.
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "http/tls/context.h"
#include "support/eventually.h"
#include "support/tls_certs.h"
#include "test_support.h"

namespace rr::http::test {
namespace {

namespace fs = std::filesystem;

/// A blocking TLS 1.3/1.2 client over a TCP socket with a receive deadline.
class TlsClient {
public:
    TlsClient(std::uint16_t port, const fs::path& ca) {
        ctx_ = SSL_CTX_new(TLS_client_method());
        SSL_CTX_load_verify_locations(ctx_, ca.c_str(), nullptr);
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>("localhost"));
        SSL_set1_host(ssl_, "localhost");
        handshake_ok_ = connected_ && SSL_connect(ssl_) == 1;
    }
    ~TlsClient() {
        SSL_free(ssl_);
        SSL_CTX_free(ctx_);
        ::close(fd_);
    }
    bool ok() const { return handshake_ok_; }

    void send(std::string_view data) {
        while (!data.empty()) {
            const int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
            ASSERT_GT(n, 0);
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    /// Reads one response with a Content-Length body: {status, body}; status 0 on failure.
    std::pair<int, std::string> read_response() {
        std::string head;
        while (head.find("\r\n\r\n") == std::string::npos) {
            if (!fill(head)) return {0, {}};
        }
        const auto end = head.find("\r\n\r\n") + 4;
        std::string body = head.substr(end);
        head.resize(end);
        const int status = std::stoi(head.substr(9, 3));
        std::size_t len = 0;
        for (std::size_t p = head.find("\r\n"); p != std::string::npos;
             p = head.find("\r\n", p + 2)) {
            const std::string line = head.substr(p + 2, head.find("\r\n", p + 2) - p - 2);
            if (line.size() > 15 && (line.rfind("Content-Length:", 0) == 0)) {
                len = std::stoul(line.substr(15));
            }
        }
        while (body.size() < len) {
            if (!fill(body)) return {0, {}};
        }
        rest_ = body.substr(len);
        body.resize(len);
        return {status, body};
    }

private:
    bool fill(std::string& into) {
        if (!rest_.empty()) {
            into += rest_;
            rest_.clear();
            return true;
        }
        char buf[16384];
        const int n = SSL_read(ssl_, buf, sizeof buf);
        if (n <= 0) return false;
        into.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    int fd_ = -1;
    bool connected_ = false;
    bool handshake_ok_ = false;
    std::string rest_;
};

/// True when the server closes a raw TCP connection within the socket's receive deadline.
bool closed_by_server(int fd) {
    char buf[256];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) return true;
        if (n < 0) return errno == ECONNRESET;
    }
}

int raw_connect(std::uint16_t port, int timeout_s = 5) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_s, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
}

class TlsServer : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-tls-srv-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        rr::test::write_test_pki(dir_);
        tls::TlsSettings t;
        t.cert = (dir_ / "server.pem").string();
        t.key = (dir_ / "server.key").string();
        std::string error;
        ctx_ = tls::TlsContext::create(t, error);
        ASSERT_TRUE(ctx_) << error;
    }
    void TearDown() override {
        server_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    /// One TLS listener on 127.0.0.1:0 (plus a plain one with `redirect` when asked).
    void start(HandlerFn fn, ServerSettings s = TestServer::short_settings(),
               bool with_redirect = false) {
        ListenerSettings tls;
        tls.host = "127.0.0.1";
        tls.reuse_port = false;
        tls.tls = ctx_;
        s.listeners = {tls};
        if (with_redirect) {
            ListenerSettings plain;
            plain.host = "127.0.0.1";
            plain.reuse_port = false;
            plain.redirect_to_https = true;
            plain.https_port = 8443;
            s.listeners.push_back(plain);
        }
        server_ = std::make_unique<TestServer>(s);
        server_->handler().fn = std::move(fn);
        ASSERT_FALSE(server_->start());
        port_ = server_->port();
        if (with_redirect) {
            const std::string plain = server_->addresses().at(1);
            plain_port_ = static_cast<std::uint16_t>(std::stoi(plain.substr(plain.rfind(':') + 1)));
        }
    }

    fs::path dir_;
    std::shared_ptr<tls::TlsContext> ctx_;
    std::unique_ptr<TestServer> server_;
    std::uint16_t port_ = 0;
    std::uint16_t plain_port_ = 0;
};

TEST_F(TlsServer, ServesKeepAliveRequestsAndTellsTheHandlerItIsTls) {
    std::mutex mu;
    std::string uri, version, alpn;
    bool tls = false;
    start([&](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
        MappedRequest m;
        req.map(m);
        {
            std::lock_guard lock(mu);
            uri = m.uri;
            tls = req.tls();
            version = req.connection()->tls_facts.version;
            alpn = req.connection()->tls_facts.alpn;
        }
        Fields h = fields_of({{"Content-Type", "text/plain"}});
        co_await w.send_response(200, h, "secure " + std::string(req.target()));
    });
    TlsClient c(port_, dir_ / "ca.pem");
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < 3; ++i) {
        c.send("GET /s" + std::to_string(i) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const auto [status, body] = c.read_response();
        EXPECT_EQ(status, 200);
        EXPECT_EQ(body, "secure /s" + std::to_string(i));
    }
    std::lock_guard lock(mu);
    EXPECT_EQ(uri, "https://localhost/s2");
    EXPECT_TRUE(tls);
    EXPECT_EQ(version, "TLSv1.3");
    EXPECT_EQ(alpn, "");  // the client offered no ALPN
    EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(TlsServer, IdleConnectionReleasesItsBuffersAndServesItsNextRequest) {
    ServerSettings s = TestServer::short_settings();
    s.park_idle_after = std::chrono::milliseconds(0);
    start(echo_handler(), s);
    TlsClient c(port_, dir_ / "ca.pem");
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < 3; ++i) {
        c.send("GET /r" + std::to_string(i) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const auto [status, body] = c.read_response();
        EXPECT_EQ(status, 200);
        // Idle: the engine's and the session's buffers went back with the read pending.
        ASSERT_TRUE(::rr::test::eventually([&] { return server_->parked_count() == 1; }));
    }
    c.send("GET /last HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_EQ(c.read_response().first, 200);
    EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(TlsServer, BigBodiesTravelIntactBothWays) {
    start([](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
        std::string body;
        if (co_await req.read_body(body)) co_return;
        std::string out = body;  // echo, then a large streamed response
        std::reverse(out.begin(), out.end());
        Fields h;
        co_await w.send_response(200, h, out);
    });
    TlsClient c(port_, dir_ / "ca.pem");
    ASSERT_TRUE(c.ok());
    std::string payload(3 * 1024 * 1024 + 17, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 31 % 251);
    c.send("POST /up HTTP/1.1\r\nHost: localhost\r\nContent-Length: " +
           std::to_string(payload.size()) + "\r\n\r\n" + payload);
    const auto [status, body] = c.read_response();
    EXPECT_EQ(status, 200);
    std::string expect = payload;
    std::reverse(expect.begin(), expect.end());
    EXPECT_EQ(body.size(), expect.size());
    EXPECT_TRUE(body == expect);
}

TEST_F(TlsServer, SilentClientIsClosedAtTheHandshakeDeadline) {
    ServerSettings s = TestServer::short_settings();
    s.tls_handshake_timeout = std::chrono::milliseconds(300);
    start(echo_handler(), s);
    const int silent = raw_connect(port_);
    const int slow = raw_connect(port_);
    ASSERT_EQ(::send(slow, "\x16\x03\x01\x02", 4, 0), 4);  // a ClientHello that never ends
    EXPECT_TRUE(closed_by_server(silent));
    EXPECT_TRUE(closed_by_server(slow));
    ::close(silent);
    ::close(slow);
    EXPECT_EQ(server_->handler().calls.load(), 0);
    // Still serving.
    TlsClient c(port_, dir_ / "ca.pem");
    ASSERT_TRUE(c.ok());
    c.send("GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_EQ(c.read_response().first, 200);
}

TEST_F(TlsServer, PlainHttpToTheTlsPortIsClosedAndTheServerGoesOn) {
    start(echo_handler());
    const int fd = raw_connect(port_);
    const std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    EXPECT_TRUE(closed_by_server(fd));
    ::close(fd);
    TlsClient c(port_, dir_ / "ca.pem");
    ASSERT_TRUE(c.ok());
    c.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_EQ(c.read_response().first, 200);
}

TEST_F(TlsServer, StopClosesConnectionsStillInTheHandshake) {
    start(echo_handler());
    const int fd = raw_connect(port_);
    // The handshake stage is registered before anything is read.
    for (int i = 0; i < 200 && server_->connection_count() == 0; ++i) {
        std::this_thread::yield();
    }
    auto drained = server_->on_drained();
    server_->stop();
    EXPECT_TRUE(closed_by_server(fd));
    EXPECT_EQ(drained.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    ::close(fd);
}

TEST_F(TlsServer, PlainListenerRedirectsToHttpsAndTheAccessLogStillSeesIt) {
    start(echo_handler(), TestServer::short_settings(), /*with_redirect=*/true);
    Client c(plain_port_);
    c.send("GET /path/a%20b?q=1&r=2 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 308);
    EXPECT_EQ(r.fields["location"], "https://example.com:8443/path/a%20b?q=1&r=2");
    EXPECT_EQ(r.fields["strict-transport-security"],
              "max-age=31536000; includeSubDomains; preload");
    EXPECT_EQ(r.fields["content-type"], "text/html; charset=utf-8");
    EXPECT_EQ(r.body,
              "<a href=\"https://example.com:8443/path/a%20b?q=1&amp;r=2\">Permanent "
              "Redirect</a>.\n\n");
    c.send("POST /form HTTP/1.1\r\nHost: [::1]:8080\r\nContent-Length: 3\r\n\r\nabc");
    r = c.read_response();
    EXPECT_EQ(r.status, 308);
    EXPECT_EQ(r.fields["location"], "https://[::1]:8443/form");
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.fields.count("content-type"), 0u);
    EXPECT_EQ(server_->handler().calls.load(), 0);  // the application never ran
    // on_complete runs right after the write, in the same turn of the I/O thread: one round
    // trip through that thread (connection_count) orders it before the check.
    EXPECT_EQ(server_->connection_count(), 1u);
    EXPECT_EQ(server_->handler().completions().size(), 2u);
}

}  // namespace
}  // namespace rr::http::test
