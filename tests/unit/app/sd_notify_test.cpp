#include "app/sd_notify.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace rr::app {
namespace {

TEST(SdNotify, WithoutNotifySocketReturnsFalse) {
    ::unsetenv("NOTIFY_SOCKET");
    EXPECT_FALSE(sd_notify("READY=1"));
}

TEST(SdNotify, SendsTheStateAsOneDatagram) {
    std::string dir = (std::filesystem::temp_directory_path() / "rr-notify-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    const std::string path = dir + "/notify.sock";

    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);

    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
    EXPECT_TRUE(sd_notify("READY=1"));
    ::unsetenv("NOTIFY_SOCKET");

    pollfd p{fd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 5000), 1);
    char buf[64] = {};
    const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(std::max<ssize_t>(got, 0))), "READY=1");
    ::close(fd);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rr::app
