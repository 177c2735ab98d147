// Relay: whole frames over a pipe pair, checked against the golden vectors in tests/vectors.

#include "transport/relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "transport/async_event.h"
#include "transport/handshake.h"
#include "transport/socket_listener.h"

namespace rr::transport {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

std::string unhex(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

nlohmann::json vector_named(const std::string& name) {
    std::ifstream in(std::string(RR_SOURCE_DIR) + "/tests/vectors/index.json");
    auto all = nlohmann::json::parse(in);
    for (const auto& v : all) {
        if (v["name"] == name) {
            return v;
        }
    }
    ADD_FAILURE() << "no vector " << name;
    return {};
}

/// Our relay on one side of two pipes; the test plays the worker with raw fds.
class RelayTest : public ::testing::Test {
protected:
    void SetUp() override {
        int to_worker[2];
        int from_worker[2];
        ASSERT_EQ(::pipe2(to_worker, O_CLOEXEC), 0);
        ASSERT_EQ(::pipe2(from_worker, O_CLOEXEC), 0);
        worker_in_.reset(to_worker[0]);
        worker_out_.reset(from_worker[1]);
        relay_ = std::make_unique<Relay>(io_.get_executor(), UniqueFd(from_worker[0]),
                                         UniqueFd(to_worker[1]));
    }

    template <class T, class F>
    T run(F f) {
        std::optional<T> out;
        asio::co_spawn(
            io_, [&]() -> asio::awaitable<void> { out.emplace(co_await f()); }, asio::detached);
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!out && std::chrono::steady_clock::now() < deadline) {
            if (io_.stopped()) {
                io_.restart();
            }
            io_.run_one_for(10ms);
        }
        if (!out) {
            throw std::runtime_error("timeout");
        }
        return std::move(*out);
    }

    std::string read_from_relay(std::size_t n) {
        std::string out(n, '\0');
        std::size_t got = 0;
        while (got < n) {
            ssize_t r = ::read(worker_in_.get(), out.data() + got, n - got);
            if (r <= 0) {
                break;
            }
            got += static_cast<std::size_t>(r);
        }
        out.resize(got);
        return out;
    }

    void worker_writes(const std::string& bytes) {
        ASSERT_EQ(::write(worker_out_.get(), bytes.data(), bytes.size()),
                  static_cast<ssize_t>(bytes.size()));
    }

    asio::io_context io_;
    UniqueFd worker_in_;
    UniqueFd worker_out_;
    std::unique_ptr<Relay> relay_;
};

TEST_F(RelayTest, StopCommandBytesMatchTheGoldenVector) {
    auto ec = run<boost::system::error_code>([&] { return send_stop_command(*relay_); });
    ASSERT_FALSE(ec) << ec.message();
    const auto want = unhex(vector_named("stop_command")["frame_hex"]);
    EXPECT_EQ(read_from_relay(want.size()), want);
}

TEST_F(RelayTest, DataFrameIsHeaderOptionAndBothPartsInOneWrite) {
    const std::string_view parts[] = {"ctx", "body!"};
    const std::uint32_t opt = 3;
    auto ec = run<boost::system::error_code>([&] {
        return relay_->write_frame(protocol::flag::kCodecJson, 0, {&opt, 1}, parts);
    });
    ASSERT_FALSE(ec);
    // One read of everything available returns the whole frame: it went out in one writev.
    std::string buf(256, '\0');
    ssize_t n = ::read(worker_in_.get(), buf.data(), buf.size());
    ASSERT_EQ(n, 16 + 8);
    buf.resize(static_cast<std::size_t>(n));
    EXPECT_EQ(static_cast<unsigned char>(buf[0]), 0x14);
    EXPECT_EQ(buf.substr(16), "ctxbody!");
    auto hdr = protocol::decode_header(std::as_bytes(std::span(buf.data(), buf.size())), 1 << 20);
    ASSERT_TRUE(hdr);
    EXPECT_EQ(hdr.value().payload_size, 8u);
}

TEST_F(RelayTest, ReadsGoldenResponseAndPidReply) {
    worker_writes(unhex(vector_named("json_response")["frame_hex"]) +
                  unhex(vector_named("pid_reply")["frame_hex"]));
    auto first = run<Result<Frame>>([&] { return relay_->read_frame(1 << 20); });
    ASSERT_TRUE(first) << first.error().message();
    EXPECT_EQ(first.value().header.option_count, 1u);
    EXPECT_EQ(first.value().options[0], 27u);
    EXPECT_EQ(first.value().payload.substr(27), "OK");
    auto second = run<Result<Frame>>([&] { return relay_->read_frame(1 << 20); });
    ASSERT_TRUE(second);
    auto reply = parse_pid_reply(second.value());
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply.value().pid, 4242);
    EXPECT_TRUE(reply.value().codecs.empty());
}

TEST_F(RelayTest, LargeFramesWaitForTheReaderInsteadOfFailing) {
    // 4 MiB does not fit a pipe buffer: the write must suspend until the "worker" reads.
    std::string body(4 << 20, 'z');
    const std::string_view parts[] = {"", body};
    const std::uint32_t opt = 0;
    std::optional<boost::system::error_code> done;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            done.emplace(co_await relay_->write_frame(0, 0, {&opt, 1}, parts));
        },
        asio::detached);
    std::string got;
    std::string chunk(1 << 16, '\0');
    ::fcntl(worker_in_.get(), F_SETFL, O_NONBLOCK);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (got.size() < body.size() + 16 && std::chrono::steady_clock::now() < deadline) {
        io_.poll();
        ssize_t n = ::read(worker_in_.get(), chunk.data(), chunk.size());
        if (n > 0) {
            got.append(chunk.data(), static_cast<std::size_t>(n));
        }
    }
    io_.poll();
    ASSERT_TRUE(done.has_value());
    EXPECT_FALSE(*done);
    EXPECT_EQ(got.size(), body.size() + 16);
}

TEST_F(RelayTest, TryReadFrameAssemblesAFrameSplitAtEveryByte) {
    // The hot path (Pool::exec_stream) decodes with try_read_frame(): a frame that arrives in
    // two pieces, cut anywhere (inside the header, the option word or the payload), must give
    // would_block with nothing consumed after the first piece and the whole frame after the
    // second.
    const std::uint32_t opt = 7;
    const std::string frame = protocol::encode_frame(0x08, 0, {&opt, 1}, "context+body");
    for (std::size_t cut = 1; cut < frame.size(); ++cut) {
        SCOPED_TRACE(cut);
        worker_writes(frame.substr(0, cut));
        auto partial = relay_->try_read_frame(1 << 20, /*direct=*/true);
        ASSERT_FALSE(partial);
        EXPECT_EQ(partial.error(), make_error_code(asio::error::would_block));
        EXPECT_FALSE(relay_->large_frame_pending());
        worker_writes(frame.substr(cut));
        auto whole = relay_->try_read_frame(1 << 20, /*direct=*/true);
        ASSERT_TRUE(whole) << whole.error().message();
        EXPECT_EQ(whole.value().header.flags, 0x08);
        ASSERT_EQ(whole.value().header.option_count, 1u);
        EXPECT_EQ(whole.value().options[0], 7u);
        EXPECT_EQ(whole.value().payload, "context+body");
    }
}

TEST_F(RelayTest, TryReadFrameHandsOutBufferedFramesOneByOneWithoutReading) {
    const std::uint32_t opt = 1;
    worker_writes(protocol::encode_frame(0, 0, {&opt, 1}, "a1") +
                  protocol::encode_frame(0, 0, {&opt, 1}, "b2"));
    auto first = relay_->try_read_frame(1 << 20, /*direct=*/true);
    ASSERT_TRUE(first);
    EXPECT_EQ(first.value().payload, "a1");
    // direct=false: no read() — the second frame must already be in the buffer.
    auto second = relay_->try_read_frame(1 << 20, /*direct=*/false);
    ASSERT_TRUE(second);
    EXPECT_EQ(second.value().payload, "b2");
    auto none = relay_->try_read_frame(1 << 20, /*direct=*/true);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), make_error_code(asio::error::would_block));
}

TEST_F(RelayTest, LargeFrameStartedByTryReadFrameIsFinishedByReadFrame) {
    // A frame larger than the read buffer: try_read_frame() reports large_frame_pending() and
    // read_frame() must complete it while the "worker" is still writing the rest.
    const std::uint32_t opt = 3;
    std::string payload(300 * 1024, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) {
        payload[i] = static_cast<char>('a' + i % 26);
    }
    const std::string frame = protocol::encode_frame(0, 0, {&opt, 1}, payload);
    worker_writes(frame.substr(0, 1000));
    auto started = relay_->try_read_frame(1 << 20, /*direct=*/true);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error(), make_error_code(asio::error::would_block));
    ASSERT_TRUE(relay_->large_frame_pending());

    std::optional<Result<Frame>> done;
    asio::co_spawn(
        io_, [&]() -> asio::awaitable<void> { done.emplace(co_await relay_->read_frame(1 << 20)); },
        asio::detached);
    ::fcntl(worker_out_.get(), F_SETFL, O_NONBLOCK);
    std::size_t sent = 1000;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        if (sent < frame.size()) {
            const std::size_t n = std::min<std::size_t>(4096, frame.size() - sent);
            const ssize_t w = ::write(worker_out_.get(), frame.data() + sent, n);
            if (w > 0) {
                sent += static_cast<std::size_t>(w);
            }
        }
        io_.poll();
    }
    ASSERT_TRUE(done.has_value());
    ASSERT_TRUE(*done) << done->error().message();
    EXPECT_EQ(done->value().options[0], 3u);
    EXPECT_EQ(done->value().payload, payload);
}

TEST_F(RelayTest, StrayTextIsACrcErrorAndTheBytesAreKeptForTheLog) {
    worker_writes("Warning: something echoed\n");
    auto r = run<Result<Frame>>([&] { return relay_->read_frame(1 << 20); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kFrameCrcMismatch));
    relay_->drain_garbage();
    EXPECT_EQ(relay_->garbage(), "Warning: something echoed\n");
}

TEST_F(RelayTest, EofInTheMiddleOfAFrameIsWorkerExited) {
    const auto frame = unhex(vector_named("json_response")["frame_hex"]);
    worker_writes(frame.substr(0, 20));
    worker_out_.reset();
    auto r = run<Result<Frame>>([&] { return relay_->read_frame(1 << 20); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kWorkerExited));
}

TEST_F(RelayTest, OversizedPayloadIsRejectedBeforeReadingIt) {
    const std::string big(100, 'x');
    worker_writes(protocol::encode_frame(0, 0, {}, big));
    auto r = run<Result<Frame>>([&] { return relay_->read_frame(10); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kFrameTooLarge));
}

TEST_F(RelayTest, HandshakeTimesOutWhenTheWorkerNeverAnswers) {
    const auto start = std::chrono::steady_clock::now();
    auto r =
        run<Result<protocol::PidReply>>([&] { return handshake(*relay_, Clock::now() + 150ms); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kHandshakeTimeout));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 140ms);
}

TEST_F(RelayTest, HandshakeRejectsANonControlAnswer) {
    const std::uint32_t opt = 0;
    worker_writes(protocol::encode_frame(0, 0, {&opt, 1}, R"({"pid":5})"));
    auto r = run<Result<protocol::PidReply>>([&] { return handshake(*relay_, Clock::now() + 5s); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::kHandshakeFailed));
}

TEST_F(RelayTest, HandshakeReturnsTheAdvertisedCodecs) {
    worker_writes(protocol::encode_frame(protocol::flag::kControl, 0, {},
                                         R"({"pid":77,"codecs":["json","proto"]})"));
    auto r = run<Result<protocol::PidReply>>([&] { return handshake(*relay_, Clock::now() + 5s); });
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r.value().pid, 77);
    EXPECT_EQ(r.value().codecs, (std::vector<std::string>{"json", "proto"}));
}

TEST(AsyncEvent, NotifyWakesEveryWaiterAndTimeoutReturnsFalse) {
    asio::io_context io;
    AsyncEvent event(io.get_executor());
    int woken = 0;
    int timed_out = 0;
    for (int i = 0; i < 3; ++i) {
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                if (co_await event.wait_until(Clock::now() + 10s)) {
                    ++woken;
                }
            },
            asio::detached);
    }
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            if (!co_await event.wait_until(Clock::now() + 1ms)) {
                ++timed_out;
            }
        },
        asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (event.waiters() < 3 && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(1ms);
    }
    event.notify_all();
    while ((woken < 3 || timed_out < 1) && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(10ms);
    }
    EXPECT_EQ(woken, 3);
    EXPECT_EQ(timed_out, 1);
}

TEST(Watchdog, DisarmedWatchdogNeverFires) {
    asio::io_context io;
    Watchdog dog(io.get_executor());
    bool fired = false;
    dog.arm(Clock::now(), [&] { fired = true; });
    dog.disarm();  // even though the deadline has already passed
    io.run();
    EXPECT_FALSE(fired);
    EXPECT_FALSE(dog.fired());
    dog.arm(Clock::now() + 1ms, [&] { fired = true; });
    io.restart();
    io.run();
    EXPECT_TRUE(fired);
    EXPECT_TRUE(dog.fired());
}

}  // namespace
}  // namespace rr::transport

namespace rr::transport {
namespace {

/// A fake worker connecting over TCP: answers the PID request with `reply` (a whole frame).
int connect_and_answer(asio::io_context& io, int port, const std::string& reply) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    // Drive the listener until our PID request has arrived.
    pollfd p{fd, POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (::poll(&p, 1, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(5ms);
    }
    char buf[256];
    EXPECT_GT(::read(fd, buf, sizeof buf), 12);
    EXPECT_EQ(::write(fd, reply.data(), reply.size()), static_cast<ssize_t>(reply.size()));
    return fd;
}

TEST(SocketListener, BadHandshakeDropsOnlyThatConnectionAndGoodOnesAreMatchedByPid) {
    asio::io_context io;
    auto listener = SocketListener::listen(io.get_executor(), "tcp://127.0.0.1:0", 5s);
    ASSERT_TRUE(listener) << listener.error().message();
    auto& l = *listener.value();
    const auto& address = l.address();
    const int port = std::stoi(address.substr(address.rfind(':') + 1));

    const std::uint32_t opt = 0;
    int bad = connect_and_answer(io, port, protocol::encode_frame(0, 0, {&opt, 1}, "{}"));
    int good =
        connect_and_answer(io, port,
                           protocol::encode_frame(protocol::flag::kControl, 0, {},
                                                  R"({"pid":4242,"codecs":["proto","json"]})"));

    std::optional<Result<SocketListener::Connected>> taken;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            taken.emplace(co_await l.take(4242, Clock::now() + 5s, [] { return true; }));
        },
        asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!taken && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(5ms);
    }
    ASSERT_TRUE(taken.has_value());
    ASSERT_TRUE(*taken) << taken->error().message();
    EXPECT_EQ(taken->value().codecs, (std::vector<std::string>{"proto", "json"}));
    EXPECT_EQ(l.parked(), 0u);

    // A PID nobody connected with times out.
    std::optional<Result<SocketListener::Connected>> missing;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            missing.emplace(co_await l.take(99, Clock::now() + 50ms, [] { return true; }));
        },
        asio::detached);
    while (!missing && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(5ms);
    }
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(missing->error(), make_error_code(errc::kHandshakeTimeout));
    l.close();
    ::close(bad);
    ::close(good);
    io.poll();
}

}  // namespace
}  // namespace rr::transport
