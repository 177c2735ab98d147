#pragma once
// Test support for the RPC server tests: an rpc::Server on its own I/O thread with a few test
// methods, gates that hold calls until the test opens them, and a blocking raw-socket client
// whose every wait has a deadline (poll), so no test sleeps and none can hang.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "protocol/frame.h"
#include "rpc/codec.h"
#include "rpc/json.h"
#include "rpc/server.h"
#include "transport/async_event.h"

namespace rr::rpc::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline constexpr auto kWait = 10s;  ///< upper bound for anything a test waits for

/// Gates that "Test.Wait" calls block on, opened by the test (from any thread).
class Gates {
public:
    explicit Gates(asio::io_context& io) : io_(io), event_(io.get_executor()) {}

    /// io thread: waits until `name` is open.
    asio::awaitable<void> wait(const std::string& name) {
        {
            std::lock_guard lock(mu_);
            ++started_[name];
        }
        cv_.notify_all();
        while (!open_.count(name)) {
            co_await event_.wait_until(transport::TimePoint::max());
        }
    }

    /// Any thread.
    void open(const std::string& name) {
        asio::post(io_, [this, name] {
            open_.insert(name);
            event_.notify_all();
        });
    }

    /// Any thread: waits until `n` calls have started waiting on `name`.
    bool wait_started(const std::string& name, int n = 1) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, kWait, [&] { return started_[name] >= n; });
    }

private:
    asio::io_context& io_;
    transport::AsyncEvent event_;
    std::set<std::string> open_;  // io thread only
    std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, int> started_;
};

/// An rpc::Server with test methods, run on its own thread.
///   Echo.Json   JSON argument back          Echo.Raw    bytes back (base64 under JSON)
///   Test.Fail   error "boom: <arg>"         Test.Throw  handler throws
///   Test.Wait   waits for gate <arg>, returns <arg>
class TestServer {
public:
    explicit TestServer(ServerOptions options = {}) : gates_(io_) {
        server_ = std::make_unique<Server>(io_, options);
        auto& t = server_->methods();
        t.add_sync("Echo.Json", [](const Call& c) {
            auto v = json_body(c);
            return v ? json_reply(c, v.value()) : Reply::failure(v.error());
        });
        t.add_sync("Echo.Raw", [](const Call& c) {
            auto v = bytes_argument(c);
            return v ? bytes_reply(c, v.value()) : Reply::failure(v.error());
        });
        t.add_sync("Test.Fail", [](const Call& c) { return Reply::failure("boom: " + c.body); });
        t.add_sync("Test.Throw", [](const Call&) -> Reply { throw std::runtime_error("kaput"); });
        t.add("Test.Wait", [this](const Call& c) -> asio::awaitable<Reply> {
            auto name = json_argument<std::string>(c);
            if (!name) co_return Reply::failure(name.error());
            co_await gates_.wait(name.value());
            co_return json_reply(c, name.value());
        });
    }
    ~TestServer() { shutdown(); }

    Server& server() { return *server_; }
    Gates& gates() { return gates_; }
    asio::io_context& io() { return io_; }

    /// Starts listening and the I/O thread.
    boost::system::error_code start(const Endpoint& endpoint = Endpoint::tcp("127.0.0.1", 0)) {
        auto ec = server_->start(endpoint);
        if (!ec) {
            thread_ = std::thread([this] { io_.run(); });
        }
        return ec;
    }

    const Endpoint& endpoint() const { return server_->local_endpoint(); }

    /// Runs `f` on the I/O thread and returns its result (waits at most kWait).
    template <class F>
    auto on_io(F f) -> decltype(f()) {
        using R = decltype(f());
        if (!thread_.joinable()) return f();
        std::promise<R> p;
        auto fut = p.get_future();
        asio::post(io_, [&] {
            if constexpr (std::is_void_v<R>) {
                f();
                p.set_value();
            } else {
                p.set_value(f());
            }
        });
        if (fut.wait_for(kWait) != std::future_status::ready) {
            throw std::runtime_error("on_io: the io thread did not answer");
        }
        return fut.get();
    }

    /// Waits until `pred()` (evaluated on the I/O thread) holds, up to kWait.
    bool wait_until(std::function<bool(Server&)> pred) {
        const auto deadline = Clock::now() + kWait;
        while (Clock::now() < deadline) {
            if (on_io([&] { return pred(*server_); })) return true;
            std::this_thread::yield();
        }
        return false;
    }

    void shutdown() {
        if (thread_.joinable()) {
            on_io([this] { server_->close(); });
            guard_.reset();
            io_.stop();
            thread_.join();
        }
        guard_.reset();
    }

private:
    asio::io_context io_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_{
        io_.get_executor()};
    Gates gates_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
};

/// A blocking client socket speaking raw bytes, every wait bounded by kWait.
class RawConn {
public:
    explicit RawConn(const Endpoint& ep) {
        if (ep.kind == Endpoint::Kind::kUnix) {
            fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un a{};
            a.sun_family = AF_UNIX;
            std::strncpy(a.sun_path, ep.path.c_str(), sizeof(a.sun_path) - 1);
            ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
        } else {
            fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(ep.port);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
            const int one = 1;
            ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        }
    }
    ~RawConn() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawConn(const RawConn&) = delete;
    RawConn& operator=(const RawConn&) = delete;

    bool connected() const { return ok_; }

    bool send(std::string_view bytes) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }
    bool send_request(std::uint32_t seq, std::string_view method, std::string_view body,
                      Codec codec = Codec::kJson) {
        return send(encode_message(static_cast<std::uint8_t>(codec), seq, method, body).value());
    }
    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

    /// Reads exactly n bytes; false on EOF, error or timeout.
    bool read_exact(char* dst, std::size_t n) {
        const auto deadline = Clock::now() + kWait;
        std::size_t got = 0;
        while (got < n) {
            pollfd p{fd_, POLLIN, 0};
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
                return false;
            }
            const ssize_t r = ::recv(fd_, dst + got, n - got, 0);
            if (r <= 0) return false;
            got += static_cast<std::size_t>(r);
        }
        return true;
    }

    struct Reply {
        std::uint32_t seq = 0;
        std::uint8_t flags = 0;
        std::string method;
        std::string body;
        bool is_error() const { return (flags & protocol::flag::kError) != 0; }
    };

    /// Reads one reply frame (CRC checked); nullopt on EOF/timeout/garbage.
    std::optional<Reply> read_reply() {
        std::string buf(protocol::kHeaderSize, '\0');
        if (!read_exact(buf.data(), buf.size())) return std::nullopt;
        auto h = protocol::decode_header(
            {reinterpret_cast<const std::byte*>(buf.data()), buf.size()}, 0xFFFFFFFFu);
        if (!h) return std::nullopt;
        buf.resize(protocol::kHeaderSize + h.value().rest_size());
        if (!read_exact(buf.data() + protocol::kHeaderSize, h.value().rest_size())) {
            return std::nullopt;
        }
        auto m = decode_message_frame({reinterpret_cast<const std::byte*>(buf.data()), buf.size()},
                                      0xFFFFFFFFu);
        if (!m) return std::nullopt;
        return Reply{m.value().seq, m.value().flags, std::string(m.value().method),
                     std::string(m.value().body)};
    }

    /// True when the server closes the connection (EOF or reset) within kWait; bytes that
    /// arrive first are skipped.
    bool wait_closed() {
        const auto deadline = Clock::now() + kWait;
        char scratch[4096];
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
            const ssize_t r = ::recv(fd_, scratch, sizeof(scratch), 0);
            if (r <= 0) return true;
        }
    }

private:
    int fd_ = -1;
    bool ok_ = false;
};

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "rr-rpc-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace rr::rpc::test
