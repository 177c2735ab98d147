// rpc::Client: against our server and against fake servers that answer wrongly.
#include "rpc/client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>

#include "test_support.h"

namespace rr::rpc::test {
namespace {

using Kind = ClientError::Kind;

/// A listening TCP socket on 127.0.0.1 whose single connection is handled by `serve` on a
/// thread (it gets the accepted fd and closes nothing: the destructor does).
class FakeServer {
public:
    explicit FakeServer(std::function<void(int fd)> serve) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        ::listen(listen_fd_, 4);
        socklen_t len = sizeof(a);
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this, serve = std::move(serve)] {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 10000) != 1) return;
            conn_fd_ = ::accept(listen_fd_, nullptr, nullptr);
            if (conn_fd_ >= 0) serve(conn_fd_);
        });
    }
    ~FakeServer() {
        thread_.join();
        if (conn_fd_ >= 0) ::close(conn_fd_);
        ::close(listen_fd_);
    }
    Endpoint endpoint() const { return Endpoint::tcp("127.0.0.1", port_); }

    /// Reads one request frame from fd (test helper for serve functions).
    static std::optional<Message> read_request(int fd, std::string& storage) {
        storage.assign(protocol::kHeaderSize, '\0');
        if (::recv(fd, storage.data(), storage.size(), MSG_WAITALL) !=
            static_cast<ssize_t>(storage.size())) {
            return std::nullopt;
        }
        auto h = protocol::decode_header(
            {reinterpret_cast<const std::byte*>(storage.data()), storage.size()}, 1 << 20);
        if (!h) return std::nullopt;
        storage.resize(protocol::kHeaderSize + h.value().rest_size());
        const auto rest = static_cast<ssize_t>(h.value().rest_size());
        if (rest > 0 && ::recv(fd, storage.data() + protocol::kHeaderSize, h.value().rest_size(),
                               MSG_WAITALL) != rest) {
            return std::nullopt;
        }
        auto m = decode_message_frame(
            {reinterpret_cast<const std::byte*>(storage.data()), storage.size()}, 1 << 20);
        if (!m) return std::nullopt;
        return m.value();
    }

private:
    int listen_fd_ = -1;
    int conn_fd_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

void send_all(int fd, const std::string& bytes) {
    ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
}

/// A TCP port on 127.0.0.1 nobody listens on (bound, then released).
std::uint16_t unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

TEST(RpcClient, ConnectionRefusedSaysSoInOneLine) {
    const std::uint16_t port = unused_port();
    auto c = Client::connect(Endpoint::tcp("127.0.0.1", port), 2s);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, Kind::kConnect);
    EXPECT_EQ(c.error().message,
              "cannot connect to RPC at tcp://127.0.0.1:" + std::to_string(port) +
                  ": connection refused; is the server running?");
}

TEST(RpcClient, MissingUnixSocketSaysSo) {
    TempDir dir;
    const std::string path = dir.file("none.sock");
    auto c = Client::connect(Endpoint::unix_socket(path), 2s);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, Kind::kConnect);
    EXPECT_EQ(c.error().message, "cannot connect to RPC at unix://" + path +
                                     ": no such file or directory; is the server running?");
}

TEST(RpcClient, HostNamesResolveAndEveryAddressIsTried) {
    // "localhost" comes from /etc/hosts (no DNS traffic); where it lists ::1 first, that address
    // is refused (the server is on 127.0.0.1) and the next one is tried.
    TestServer ts;
    ASSERT_FALSE(ts.start());
    auto c = Client::connect(Endpoint::tcp("localhost", ts.endpoint().port), 5s);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c.value().call("Echo.Json", "by name", 5s).value(), "by name");

    TestServer named;  // the server resolves names too
    ASSERT_FALSE(named.start(Endpoint::tcp("localhost", 0)));
    auto n = Client::connect(named.endpoint(), 5s);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(n.value().call("Echo.Json", 1, 5s).value(), 1);
}

TEST(RpcClient, EmptyHostMeansLoopback) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    auto c = Client::connect(Endpoint::tcp("", ts.endpoint().port), 5s);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c.value().call("Echo.Json", "x", 5s).value(), "x");
}

TEST(RpcClient, CallTimeoutClosesTheConnection) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    auto c = Client::connect(ts.endpoint(), 5s);
    ASSERT_TRUE(c);
    auto r = c.value().call("Test.Wait", "forever", 100ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, Kind::kTimeout);
    EXPECT_EQ(r.error().message,
              "RPC call Test.Wait to " + ts.endpoint().to_string() + ": no reply within 100ms");
    EXPECT_FALSE(c.value().is_open());
    auto again = c.value().call("Echo.Json", 1, 1s);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, Kind::kClosed);
}

TEST(RpcClient, SequenceNumbersIncreasePerCall) {
    std::vector<std::uint32_t> seen;
    {
        FakeServer fake([&](int fd) {
            std::string storage;
            for (int i = 0; i < 3; ++i) {
                auto m = FakeServer::read_request(fd, storage);
                if (!m) return;
                seen.push_back(m->seq);
                send_all(fd, encode_reply(m->codec(), m->seq, m->method, "true"));
            }
        });
        auto c = Client::connect(fake.endpoint(), 5s);
        ASSERT_TRUE(c);
        for (int i = 0; i < 3; ++i) {
            auto r = c.value().call("a.B", nullptr, 5s);
            ASSERT_TRUE(r) << r.error().message;
            EXPECT_EQ(r.value(), true);
        }
    }  // the fake's thread is joined here
    EXPECT_EQ(seen, (std::vector<std::uint32_t>{1, 2, 3}));
}

TEST(RpcClient, WrongSeqIsAProtocolError) {
    FakeServer fake([](int fd) {
        std::string storage;
        auto m = FakeServer::read_request(fd, storage);
        if (m) send_all(fd, encode_reply(m->codec(), m->seq + 1, m->method, "1"));
    });
    auto c = Client::connect(fake.endpoint(), 5s);
    ASSERT_TRUE(c);
    auto r = c.value().call("a.B", 1, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, Kind::kProtocol);
    EXPECT_NE(r.error().message.find("sequence mismatch"), std::string::npos);
    EXPECT_FALSE(c.value().is_open());
}

TEST(RpcClient, BrokenReplyFramesAreProtocolErrors) {
    const std::string replies[] = {
        std::string(16, 'G'),                                                 // bad CRC
        protocol::encode_frame(0x08, 0, std::vector<std::uint32_t>{1}, "x"),  // one option
    };
    for (const auto& reply : replies) {
        FakeServer fake([&](int fd) {
            std::string storage;
            if (FakeServer::read_request(fd, storage)) send_all(fd, reply);
        });
        auto c = Client::connect(fake.endpoint(), 5s);
        ASSERT_TRUE(c);
        auto r = c.value().call("a.B", 1, 5s);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().kind, Kind::kProtocol) << r.error().message;
    }
}

TEST(RpcClient, OversizedReplyIsRefusedUnread) {
    FakeServer fake([](int fd) {
        std::string storage;
        auto m = FakeServer::read_request(fd, storage);
        if (m) send_all(fd, encode_reply(m->codec(), m->seq, m->method, std::string(5000, '1')));
    });
    auto c = Client::connect(fake.endpoint(), 5s);
    ASSERT_TRUE(c);
    c.value().set_max_reply_size(1000);
    auto r = c.value().call("a.B", 1, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, Kind::kProtocol);
}

TEST(RpcClient, ServerClosingIsReported) {
    FakeServer fake([](int fd) {
        std::string storage;
        (void)FakeServer::read_request(fd, storage);
        ::shutdown(fd, SHUT_RDWR);
    });
    auto c = Client::connect(fake.endpoint(), 5s);
    ASSERT_TRUE(c);
    auto r = c.value().call("a.B", 1, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, Kind::kClosed);
    EXPECT_NE(r.error().message.find("closed the connection"), std::string::npos);
}

TEST(RpcClient, NonJsonReplyIsAProtocolError) {
    TestServer ts;
    ASSERT_FALSE(ts.start());
    auto c = Client::connect(ts.endpoint(), 5s);
    ASSERT_TRUE(c);
    // Echo.Raw under JSON answers a base64 string: valid JSON. A raw call gets raw bytes back;
    // call() decoding those must fail cleanly, which a fake does not need: use call_raw + parse.
    auto raw = c.value().call_raw("Echo.Raw", Codec::kRaw, "not json", 5s);
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw.value(), "not json");
    FakeServer fake([](int fd) {
        std::string storage;
        auto m = FakeServer::read_request(fd, storage);
        if (m) send_all(fd, encode_reply(m->codec(), m->seq, m->method, "{broken"));
    });
    auto f = Client::connect(fake.endpoint(), 5s);
    ASSERT_TRUE(f);
    auto r = f.value().call("a.B", 1, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, Kind::kProtocol);
}

}  // namespace
}  // namespace rr::rpc::test
