// Socket relays (tcp://, unix://) with the PID handshake, and the boot-time budget
// (allocate_timeout covers the worker's boot, PROTOCOL.md §3.2).

#include <filesystem>

#include "pool_fixture.h"

namespace rr::test {
namespace {

TEST_F(PoolTest, TcpRelayMatchesEachConnectionToItsProcess) {
    auto o = options("worker.php", 2);
    o.relay = "tcp://127.0.0.1:0";
    ASSERT_TRUE(create(o));
    EXPECT_NE(pool_->relay_address().find("tcp://127.0.0.1:"), std::string::npos);
    EXPECT_EQ(pool_->relay_address().find(":0"), std::string::npos);
    for (int i = 0; i < 4; ++i) {
        auto r = exec("pid");
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_TRUE(pids().count(std::atoi(std::string(r.value().body()).c_str())));
    }
    auto relay = exec("env:RR_RELAY");
    ASSERT_TRUE(relay);
    EXPECT_EQ(relay.value().body(), pool_->relay_address());
}

TEST_F(PoolTest, UnixRelayWorksAndRemovesItsSocketFile) {
    auto dir =
        std::filesystem::temp_directory_path() / ("rr_pool_unix_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = (dir / "rr.sock").string();
    auto o = options("worker.php", 2);
    o.relay = "unix://" + path;
    ASSERT_TRUE(create(o));
    auto r = exec("echo:over unix");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r.value().body(), "over unix");
    // A crashed socket worker is replaced through the same listener.
    EXPECT_FALSE(exec("crash:bye"));
    EXPECT_TRUE(run_until([&] { return pids().size() == 2; }));
    EXPECT_TRUE(exec("echo:again"));
    run([p = pool_]() -> asio::awaitable<int> {
        co_await p->destroy();
        co_return 0;
    });
    EXPECT_FALSE(std::filesystem::exists(path));
    std::filesystem::remove_all(dir);
}

TEST_F(PoolTest, SlowBootWithinAllocateTimeoutSucceeds) {
    auto o = options("slow_boot.php", 2);
    o.spawn.env = {{"BOOT_MS", "300"}};
    o.allocate_timeout = 5s;
    ASSERT_TRUE(create(o));
    EXPECT_TRUE(exec("echo:booted"));
}

TEST_F(PoolTest, BootLongerThanAllocateTimeoutFailsWithHandshakeTimeout) {
    auto o = options("slow_boot.php", 1);
    o.spawn.env = {{"BOOT_MS", "3000"}};
    o.allocate_timeout = 200ms;
    const auto start = std::chrono::steady_clock::now();
    auto r = create(o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kHandshakeTimeout));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(PoolTest, SocketWorkerThatNeverConnectsTimesOut) {
    auto o = options("slow_boot.php", 1);
    o.relay = "tcp://127.0.0.1:0";
    o.spawn.env = {{"BOOT_MS", "3000"}};
    o.allocate_timeout = 200ms;
    auto r = create(o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kHandshakeTimeout));
}

}  // namespace
}  // namespace rr::test
