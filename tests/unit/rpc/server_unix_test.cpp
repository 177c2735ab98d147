// rpc::Server on a unix socket: the socket-file policy (docs/rpc.md, "Unix sockets").
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "common/error.h"
#include "rpc/client.h"
#include "rpc/server.h"
#include "test_support.h"

namespace rr::rpc::test {
namespace {

bool is_socket(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

/// Leaves a socket file at `path` that nobody listens on (a crashed server's leftover).
void make_stale_socket(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof(a.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    ::close(fd);
    ASSERT_TRUE(is_socket(path));
}

TEST(RpcServerUnix, ServesCallsWithOwnerAndGroupPermissionsAndRemovesTheFile) {
    TempDir dir;
    const std::string path = dir.file("rpc.sock");
    {
        TestServer ts;
        ASSERT_FALSE(ts.start(Endpoint::unix_socket(path)));
        EXPECT_EQ(ts.endpoint().to_string(), "unix://" + path);
        struct stat st {};
        ASSERT_EQ(::lstat(path.c_str(), &st), 0);
        EXPECT_TRUE(S_ISSOCK(st.st_mode));
        EXPECT_EQ(st.st_mode & 0777, 0660u);

        auto c = Client::connect(ts.endpoint(), 5s);
        ASSERT_TRUE(c) << c.error().message;
        auto r = c.value().call("Echo.Json", nlohmann::json::array({1, "two"}), 5s);
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(r.value(), nlohmann::json::array({1, "two"}));

        std::promise<void> stopped;
        ts.on_io([&] { ts.server().stop(Clock::now() + 5s, [&] { stopped.set_value(); }); });
        EXPECT_EQ(stopped.get_future().wait_for(kWait), std::future_status::ready);
        EXPECT_FALSE(exists(path));  // removed at stop
    }
    EXPECT_FALSE(exists(path));
}

TEST(RpcServerUnix, ModeIsConfigurable) {
    TempDir dir;
    ServerOptions opts;
    opts.unix_socket_mode = 0600;
    TestServer ts(opts);
    ASSERT_FALSE(ts.start(Endpoint::unix_socket(dir.file("rpc.sock"))));
    struct stat st {};
    ASSERT_EQ(::lstat(dir.file("rpc.sock").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(RpcServerUnix, ReplacesAStaleSocketFile) {
    TempDir dir;
    const std::string path = dir.file("stale.sock");
    make_stale_socket(path);
    TestServer ts;
    ASSERT_FALSE(ts.start(Endpoint::unix_socket(path)));
    auto c = Client::connect(ts.endpoint(), 5s);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_TRUE(c.value().call("Echo.Json", 1, 5s));
}

TEST(RpcServerUnix, NeverTakesOverALiveSocket) {
    TempDir dir;
    const std::string path = dir.file("live.sock");
    TestServer first;
    ASSERT_FALSE(first.start(Endpoint::unix_socket(path)));
    TestServer second;
    EXPECT_EQ(second.start(Endpoint::unix_socket(path)), make_error_code(errc::kRpcSocketInUse));
    // The first one still owns the path and answers.
    auto c = Client::connect(first.endpoint(), 5s);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_TRUE(c.value().call("Echo.Json", 1, 5s));
    // And the failed second server does not remove it when it goes.
    second.shutdown();
    EXPECT_TRUE(is_socket(path));
}

TEST(RpcServerUnix, NeverDeletesAFileThatIsNotASocket) {
    TempDir dir;
    const std::string path = dir.file("precious.txt");
    std::ofstream(path) << "keep me";
    TestServer ts;
    EXPECT_EQ(ts.start(Endpoint::unix_socket(path)), make_error_code(errc::kRpcSocketNotSocket));
    std::ifstream in(path);
    std::string content;
    std::getline(in, content);
    EXPECT_EQ(content, "keep me");

    const std::string sub = dir.file("a-directory");
    ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
    EXPECT_EQ(ts.start(Endpoint::unix_socket(sub)), make_error_code(errc::kRpcSocketNotSocket));
    EXPECT_TRUE(exists(sub));
}

TEST(RpcServerUnix, DoesNotRemoveAFileThatReplacedItsSocket) {
    TempDir dir;
    const std::string path = dir.file("moved.sock");
    TestServer ts;
    ASSERT_FALSE(ts.start(Endpoint::unix_socket(path)));
    // Somebody replaces the path while we run; at stop it is not ours to delete.
    ASSERT_EQ(::unlink(path.c_str()), 0);
    std::ofstream(path) << "new owner";
    ts.shutdown();
    EXPECT_TRUE(exists(path));
}

TEST(RpcServerUnix, TooLongPathIsAnError) {
    TestServer ts;
    const std::string path = "/tmp/" + std::string(200, 'p');
    EXPECT_EQ(ts.start(Endpoint::unix_socket(path)),
              boost::system::error_code(ENAMETOOLONG, boost::system::system_category()));
}

TEST(RpcServerUnix, HostileClientsOnUnixSocketsToo) {
    TempDir dir;
    TestServer ts;
    ASSERT_FALSE(ts.start(Endpoint::unix_socket(dir.file("h.sock"))));
    RawConn garbage(ts.endpoint());
    ASSERT_TRUE(garbage.connected());
    ASSERT_TRUE(garbage.send(std::string(64, '\xff')));
    EXPECT_TRUE(garbage.wait_closed());
    RawConn half(ts.endpoint());
    ASSERT_TRUE(half.send_request(1, "Test.Wait", "\"u\""));
    ASSERT_TRUE(ts.gates().wait_started("u"));
    half.shutdown_write();
    ts.gates().open("u");
    auto r = half.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 1u);
    EXPECT_TRUE(half.wait_closed());
}

}  // namespace
}  // namespace rr::rpc::test
