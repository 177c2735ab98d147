// E2E: listeners (issue 10, BEHAVIOUR.md §1.2): `http.address: unix://path` serves over a unix
// socket and opens no TCP port; a stale socket file is replaced, any other file refused with an
// error naming http.address; the file is removed when rr exits. Driven with the real curl.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>

#include "e2e/http/rr_fixture.h"

namespace rr::e2e {
namespace {

using nlohmann::json;

/// Runs a command to completion (bounded) and returns {exit code, stdout}.
std::pair<int, std::string> run(const std::vector<std::string>& argv, const fs::path& cwd) {
    ChildProcess p(argv, cwd.string());
    const auto code = p.wait_exit(kTimeout);
    return {code.value_or(-1), p.out() + (code ? "" : "\n(timed out) " + p.err())};
}

/// Inodes of the TCP sockets in LISTEN state owned by process `pid` (from /proc).
std::set<std::string> tcp_listeners_of(pid_t pid) {
    std::set<std::string> owned;
    const fs::path fds = fs::path("/proc") / std::to_string(pid) / "fd";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fds, ec)) {
        std::error_code ec2;
        const std::string target = fs::read_symlink(e.path(), ec2).string();
        if (target.rfind("socket:[", 0) == 0) owned.insert(target.substr(8, target.size() - 9));
    }
    std::set<std::string> listening;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::vector<std::string> f;
            for (std::string x; fields >> x;) f.push_back(x);
            if (f.size() > 9 && f[3] == "0A" && owned.count(f[9])) listening.insert(f[9]);
        }
    }
    return listening;
}

void make_stale_socket(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(path.size(), sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path.data(), path.size());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::close(fd);
}

class Listeners : public HttpE2E {
protected:
    std::string sock() const { return (dir_ / "app.sock").string(); }
    std::pair<int, std::string> curl_unix(const std::string& target) {
        return run({"/usr/bin/curl", "-sS", "--max-time", "20", "--unix-socket", sock(),
                    "http://localhost" + target},
                   dir_);
    }
};

TEST_F(Listeners, UnixSocketServesCurlAndOpensNoTcpPort) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().address("unix://" + sock())));
    EXPECT_NE(rr_->err().find("unix://" + sock()), std::string::npos) << rr_->err();
    ASSERT_TRUE(fs::is_socket(sock()));
    EXPECT_EQ(fs::status(sock()).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                  fs::perms::group_write);

    const auto [code, out] = curl_unix("/via/unix?x=1");
    ASSERT_EQ(code, 0) << out;
    const json j = json::parse(out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << out;
    EXPECT_EQ(j["method"], "GET");
    EXPECT_EQ(j["remote_addr"], "@");  // Go's RemoteAddr for a unix peer, as upstream
    EXPECT_EQ(j["uri"], "http://localhost/via/unix?x=1");

    EXPECT_TRUE(tcp_listeners_of(rr_->pid()).empty()) << "rr listens on TCP";

    rr_->signal(SIGTERM);
    EXPECT_EQ(rr_->wait_exit(kTimeout), 0) << rr_->err();
    // The access log line shows the unix peer as Go does.
    EXPECT_NE(rr_->err().find("remote_address=@ "), std::string::npos) << rr_->err();
    EXPECT_FALSE(fs::exists(fs::symlink_status(sock()))) << "socket file left behind";
    rr_.reset();
}

TEST_F(Listeners, TcpListenerIsSeenByTheSameCheck) {
    // The check above is only meaningful if it sees rr's TCP listener when there is one.
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    EXPECT_EQ(tcp_listeners_of(rr_->pid()).size(), 1u);
}

TEST_F(Listeners, StaleSocketFileIsReplaced) {
    ASSERT_NO_FATAL_FAILURE(make_stale_socket(sock()));
    ASSERT_TRUE(fs::is_socket(sock()));
    ASSERT_NO_FATAL_FAILURE(start(Scenario().address("unix://" + sock())));
    const auto [code, out] = curl_unix("/after-crash");
    ASSERT_EQ(code, 0) << out;
    EXPECT_NE(out.find("/after-crash"), std::string::npos) << out;
}

TEST_F(Listeners, NonSocketFileIsRefusedWithTheKeyAndKept) {
    { std::ofstream(sock()) << "not a socket"; }
    launch(Scenario().address("unix://" + sock()));
    const auto code = rr_->wait_exit(kStartTimeout);
    EXPECT_EQ(code, 1) << rr_->err();
    EXPECT_NE(rr_->err().find("http.address"), std::string::npos) << rr_->err();
    EXPECT_NE(rr_->err().find("not a unix socket"), std::string::npos) << rr_->err();
    std::ifstream in(sock());
    std::string content;
    std::getline(in, content);
    EXPECT_EQ(content, "not a socket");
    rr_.reset();
}

TEST_F(Listeners, SocketInUseByAnotherRrIsRefused) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().address("unix://" + sock())));
    auto first = std::move(rr_);
    launch(Scenario().address("unix://" + sock()));
    EXPECT_EQ(rr_->wait_exit(kStartTimeout), 1) << rr_->err();
    EXPECT_NE(rr_->err().find("in use"), std::string::npos) << rr_->err();
    rr_ = std::move(first);
    const auto [code, out] = curl_unix("/first-still-serves");
    EXPECT_EQ(code, 0) << out;
}

}  // namespace
}  // namespace rr::e2e
