// Unix-socket listeners: served like TCP, the socket file's mode, stale and foreign files, removal
// on close, what the handler learns about the peer, and TCP + unix listeners at once.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"

namespace rr::http::test {
namespace {

namespace fs = std::filesystem;

class UnixListener : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-unix-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        path_ = (dir_ / "app.sock").string();
    }
    void TearDown() override {
        server_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    static ListenerSettings unix_listener(const std::string& path) {
        ListenerSettings l;
        l.kind = ListenerSettings::Kind::kUnix;
        l.path = path;
        return l;
    }

    /// Starts a server with the given listeners; returns the start error and its detail.
    boost::system::error_code start(std::vector<ListenerSettings> listeners,
                                    std::string* detail = nullptr) {
        ServerSettings s = TestServer::short_settings();
        s.listeners = std::move(listeners);
        server_ = std::make_unique<TestServer>(s);
        server_->handler().fn = [this](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
            MappedRequest m;
            req.map(m);
            {
                std::lock_guard lock(mu_);
                remote_addr_ = m.remote_addr;
                remote_address_ = req.remote_address();
                unix_ = req.unix_socket();
                uri_ = m.uri;
            }
            Fields h = fields_of({{"Content-Type", "text/plain"}});
            co_await w.send_response(200, h, "hello over " + std::string(req.target()));
        };
        return server_->start(detail);
    }

    /// A bare socket file at `path` that nobody accepts on (what a killed server leaves).
    static void make_stale_socket(const std::string& path) {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        ASSERT_GE(fd, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path.data(), path.size());
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        ::close(fd);  // the file stays, nobody listens
    }

    fs::path dir_;
    std::string path_;
    std::unique_ptr<TestServer> server_;
    std::mutex mu_;
    std::string remote_addr_, remote_address_, uri_;
    bool unix_ = false;
};

TEST_F(UnixListener, ServesRequestsAndReportsThePeerAsGoDoes) {
    ASSERT_FALSE(start({unix_listener(path_)}));
    Client c(Client::Unix{path_});
    for (int i = 0; i < 2; ++i) {  // keep-alive works as over TCP
        c.send("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n");
        auto r = c.read_response();
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, "hello over /x");
    }
    std::lock_guard lock(mu_);
    EXPECT_EQ(remote_addr_, "@");     // Go's RemoteAddr for a unix peer, as RoadRunner maps it
    EXPECT_EQ(remote_address_, "@");  // the access log's remote_address
    EXPECT_TRUE(unix_);
    EXPECT_EQ(uri_, "http://localhost/x");
    EXPECT_EQ(server_->addresses(), std::vector<std::string>{"unix://" + path_});
    EXPECT_EQ(server_->port(), 0);  // no TCP listener at all
}

TEST_F(UnixListener, SocketFileIsOwnerAndGroupReadWriteWhateverTheUmask) {
    const mode_t old = ::umask(0);  // a permissive umask must not widen the file
    const auto ec = start({unix_listener(path_)});
    ::umask(old);
    ASSERT_FALSE(ec);
    struct stat st {};
    ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST_F(UnixListener, ModeIsConfigurable) {
    auto l = unix_listener(path_);
    l.unix_mode = 0600;
    ASSERT_FALSE(start({l}));
    struct stat st {};
    ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(UnixListener, FileIsRemovedWhenTheServerCloses) {
    ASSERT_FALSE(start({unix_listener(path_)}));
    ASSERT_TRUE(fs::exists(path_));
    server_->shutdown();
    EXPECT_FALSE(fs::exists(fs::symlink_status(path_)));
}

TEST_F(UnixListener, StaleSocketFileIsReplaced) {
    ASSERT_NO_FATAL_FAILURE(make_stale_socket(path_));
    ASSERT_TRUE(fs::is_socket(path_));
    ASSERT_FALSE(start({unix_listener(path_)}));
    Client c(Client::Unix{path_});
    c.send("GET /after-stale HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 200);
}

TEST_F(UnixListener, RegularFileIsRefusedAndLeftAlone) {
    std::ofstream(path_) << "precious";
    std::string detail;
    const auto ec = start({unix_listener(path_)}, &detail);
    EXPECT_TRUE(ec);
    EXPECT_NE(detail.find("http.address"), std::string::npos) << detail;
    EXPECT_NE(detail.find("not a unix socket"), std::string::npos) << detail;
    std::ifstream in(path_);
    std::string content;
    in >> content;
    EXPECT_EQ(content, "precious");
}

TEST_F(UnixListener, SymlinkAndDirectoryAreRefused) {
    const std::string target = (dir_ / "target").string();
    std::ofstream(target) << "x";
    fs::create_symlink(target, path_);
    std::string detail;
    EXPECT_TRUE(start({unix_listener(path_)}, &detail));
    EXPECT_TRUE(fs::is_symlink(path_));
    EXPECT_TRUE(fs::exists(target));

    const std::string subdir = (dir_ / "adir").string();
    fs::create_directory(subdir);
    EXPECT_TRUE(start({unix_listener(subdir)}, &detail));
    EXPECT_TRUE(fs::is_directory(subdir));
}

TEST_F(UnixListener, LiveSocketOfAnotherServerIsRefusedAndKept) {
    ASSERT_FALSE(start({unix_listener(path_)}));
    auto first = std::move(server_);
    std::string detail;
    EXPECT_EQ(start({unix_listener(path_)}, &detail), boost::system::errc::address_in_use);
    EXPECT_NE(detail.find("in use"), std::string::npos) << detail;
    server_.reset();  // the refused server must not remove the first one's file
    ASSERT_TRUE(fs::is_socket(path_));
    Client c(Client::Unix{path_});
    c.send("GET /still HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 200);
    first.reset();
}

TEST_F(UnixListener, TooLongPathIsRefused) {
    std::string detail;
    EXPECT_TRUE(start({unix_listener("/tmp/" + std::string(200, 'x'))}, &detail));
    EXPECT_NE(detail.find("http.address"), std::string::npos) << detail;
}

TEST_F(UnixListener, TcpAndUnixListenersServeAtOnce) {
    ListenerSettings tcp;
    tcp.host = "127.0.0.1";
    tcp.reuse_port = false;
    ASSERT_FALSE(start({tcp, unix_listener(path_)}));
    ASSERT_NE(server_->port(), 0);
    Client a(server_->port());
    a.send("GET /tcp HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(a.read_response().body, "hello over /tcp");
    {
        std::lock_guard lock(mu_);
        EXPECT_EQ(remote_addr_, "127.0.0.1");
        EXPECT_FALSE(unix_);
    }
    Client b(Client::Unix{path_});
    b.send("GET /unix HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(b.read_response().body, "hello over /unix");
    const auto addrs = server_->addresses();
    ASSERT_EQ(addrs.size(), 2u);
    EXPECT_EQ(addrs[0], "127.0.0.1:" + std::to_string(server_->port()));
    EXPECT_EQ(addrs[1], "unix://" + path_);
}

TEST_F(UnixListener, AFailingListenerLeavesNothingOpen) {
    std::ofstream(path_) << "x";
    ListenerSettings tcp;
    tcp.host = "127.0.0.1";
    tcp.reuse_port = false;
    const std::string other = (dir_ / "other.sock").string();
    EXPECT_TRUE(start({unix_listener(other), tcp, unix_listener(path_)}));
    EXPECT_FALSE(fs::exists(fs::symlink_status(other)));  // the first one was closed again
}

}  // namespace
}  // namespace rr::http::test
