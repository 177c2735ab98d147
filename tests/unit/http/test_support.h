#pragma once
// Test support for the HTTP server tests: an in-process Server on 127.0.0.1:0 driven by a fake
// handler on its own I/O thread, and a blocking raw-TCP client whose every read has a deadline
// (SO_RCVTIMEO), so no test sleeps and none can hang.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

namespace rr::http::test {

namespace asio = boost::asio;
using HandlerFn = std::function<asio::awaitable<void>(Request&, ResponseWriter&)>;

class FakeHandler final : public Handler {
public:
    HandlerFn fn;
    std::atomic<int> calls{0};

    asio::awaitable<void> handle(Request& req, ResponseWriter& w) override {
        ++calls;
        co_await fn(req, w);
    }
    void on_complete(const Request&, const Completion& done) noexcept override {
        std::lock_guard lock(mu_);
        completions_.push_back(done);
    }
    std::vector<Completion> completions() {
        std::lock_guard lock(mu_);
        return completions_;
    }

private:
    std::mutex mu_;
    std::vector<Completion> completions_;
};

/// Server + I/O thread. Settings are adjusted before start().
class TestServer {
public:
    explicit TestServer(ServerSettings settings = short_settings()) {
        settings.host = settings.host.empty() ? "127.0.0.1" : settings.host;
        server_ = std::make_unique<Server>(ioc_, settings, handler_);
    }
    ~TestServer() { shutdown(); }

    static ServerSettings short_settings() {
        ServerSettings s;
        s.host = "127.0.0.1";
        s.port = 0;
        s.reuse_port = false;
        s.header_timeout = std::chrono::seconds(10);
        s.read_timeout = std::chrono::seconds(10);
        s.write_timeout = std::chrono::seconds(10);
        s.idle_timeout = std::chrono::seconds(10);
        s.linger_timeout = std::chrono::milliseconds(200);
        return s;
    }

    FakeHandler& handler() { return handler_; }
    asio::io_context& ioc() { return ioc_; }

    boost::system::error_code start(std::string* detail = nullptr) {
        auto ec = server_->start(detail);
        if (ec) return ec;
        port_ = server_->local_endpoint().port();
        thread_ = std::thread([this] { ioc_.run(); });
        return {};
    }
    std::uint16_t port() const { return port_; }

    /// Runs fn on the I/O thread and waits for it.
    template <class Fn>
    auto on_io(Fn fn) {
        std::packaged_task<decltype(fn())()> task(std::move(fn));
        auto fut = task.get_future();
        asio::post(ioc_, [&task] { task(); });
        return fut.get();
    }
    std::vector<std::string> addresses() { return server_->addresses(); }
    std::size_t connection_count() {
        return on_io([this] { return server_->connection_count(); });
    }
    std::size_t parked_count() {
        return on_io([this] { return server_->parked_count(); });
    }

    /// Graceful Server::stop() on the I/O thread.
    void stop() {
        on_io([this] {
            server_->stop();
            return 0;
        });
    }

    /// Registers Server::on_drained on the I/O thread; the future is set when it runs.
    std::future<void> on_drained() {
        auto done = std::make_shared<std::promise<void>>();
        auto fut = done->get_future();
        on_io([this, done] {
            server_->on_drained([done] { done->set_value(); });
            return 0;
        });
        return fut;
    }

    void shutdown() {
        if (!thread_.joinable()) return;
        asio::post(ioc_, [this] { server_->close_all(); });
        auto done = std::async(std::launch::async, [this] { thread_.join(); });
        if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
            ADD_FAILURE() << "server did not stop; forcing";
            ioc_.stop();
            done.wait();
        }
    }

private:
    asio::io_context ioc_;
    FakeHandler handler_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    std::uint16_t port_ = 0;
};

/// Fixture: one TestServer (short settings) per test, started with the given handler.
class ServerWithHandler : public ::testing::Test {
protected:
    void start(HandlerFn fn) {
        server_ = std::make_unique<TestServer>();
        server_->handler().fn = std::move(fn);
        ASSERT_FALSE(server_->start());
    }
    std::uint16_t port() const { return server_->port(); }
    std::unique_ptr<TestServer> server_;
};

struct Response {
    int status = 0;
    std::string head;                           // status line + fields, without the final CRLF
    std::map<std::string, std::string> fields;  // lower-cased names; last value wins
    std::string body;
    std::string trailers;
    bool chunked = false;
};

/// Blocking client with a receive deadline on every read.
class Client {
public:
    explicit Client(std::uint16_t port, const char* host = "127.0.0.1",
                    std::chrono::milliseconds deadline = std::chrono::seconds(5))
        : socket_(ioc_) {
        const asio::ip::tcp::endpoint ep(asio::ip::make_address(host), port);
        connect(asio::generic::stream_protocol::endpoint(ep), deadline);
    }
    /// Connects to a unix socket at `path`.
    struct Unix {
        std::string path;
    };
    explicit Client(const Unix& unix_path,
                    std::chrono::milliseconds deadline = std::chrono::seconds(5))
        : socket_(ioc_) {
        const asio::local::stream_protocol::endpoint ep(unix_path.path);
        connect(asio::generic::stream_protocol::endpoint(ep), deadline);
    }

    void connect(const asio::generic::stream_protocol::endpoint& ep,
                 std::chrono::milliseconds deadline) {
        boost::system::error_code ec;
        socket_.connect(ep, ec);
        EXPECT_FALSE(ec) << ec.message();
        timeval tv{};
        tv.tv_sec = static_cast<long>(deadline.count() / 1000);
        tv.tv_usec = static_cast<long>((deadline.count() % 1000) * 1000);
        ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }

    void send(std::string_view data) {
        boost::system::error_code ec;
        asio::write(socket_, asio::buffer(data), ec);
        EXPECT_FALSE(ec) << ec.message();
    }

    /// Reads until `delim` is buffered; returns everything up to and including it ("" on
    /// timeout or close).
    std::string read_until(std::string_view delim) {
        for (;;) {
            auto pos = buf_.find(delim);
            if (pos != std::string::npos) {
                std::string out = buf_.substr(0, pos + delim.size());
                buf_.erase(0, pos + delim.size());
                return out;
            }
            if (!fill()) return {};
        }
    }
    std::string read_exactly(std::size_t n) {
        while (buf_.size() < n) {
            if (!fill()) return {};
        }
        std::string out = buf_.substr(0, n);
        buf_.erase(0, n);
        return out;
    }

    /// Reads one response. `head_request`: no body follows.
    Response read_response(bool head_request = false) {
        Response r;
        std::string head = read_until("\r\n\r\n");
        if (head.empty()) return r;
        r.head = head.substr(0, head.size() - 2);
        r.status = std::stoi(head.substr(9, 3));
        std::size_t pos = head.find("\r\n") + 2;
        while (pos < head.size() - 2) {
            auto eol = head.find("\r\n", pos);
            auto line = head.substr(pos, eol - pos);
            auto colon = line.find(':');
            std::string name = line.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(c));
            r.fields[name] = line.substr(colon + 2);
            pos = eol + 2;
        }
        if (head_request || r.status < 200 || r.status == 204 || r.status == 304) return r;
        if (r.fields.count("content-length")) {
            r.body = read_exactly(std::stoul(r.fields["content-length"]));
        } else if (r.fields["transfer-encoding"] == "chunked") {
            r.chunked = true;
            for (;;) {
                std::string size_line = read_until("\r\n");
                if (size_line.empty()) return r;
                std::size_t n = std::stoul(size_line, nullptr, 16);
                if (n == 0) break;
                r.body += read_exactly(n);
                read_exactly(2);
            }
            for (;;) {
                std::string line = read_until("\r\n");
                if (line.empty() || line == "\r\n") break;
                r.trailers += line;
            }
        } else {
            while (fill()) {
            }
            r.body = std::move(buf_);
            buf_.clear();
        }
        return r;
    }

    /// True if the server closes the connection (EOF or reset) before the deadline; data that
    /// arrives first is kept in the buffer.
    bool wait_closed() {
        for (;;) {
            char tmp[4096];
            boost::system::error_code ec;
            auto n = socket_.read_some(asio::buffer(tmp), ec);
            if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
            if (ec) return false;  // timeout
            buf_.append(tmp, n);
        }
    }
    std::string& buffered() { return buf_; }
    void close() {
        boost::system::error_code ec;
        socket_.close(ec);
    }
    /// Closes with RST (SO_LINGER 0), as a client that vanishes.
    void abort() {
        ::linger l{1, 0};
        ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close();
    }

private:
    bool fill() {
        char tmp[4096];
        boost::system::error_code ec;
        auto n = socket_.read_some(asio::buffer(tmp), ec);
        if (ec) return false;
        buf_.append(tmp, n);
        return true;
    }

    asio::io_context ioc_;
    asio::generic::stream_protocol::socket socket_;
    std::string buf_;
};

/// Builds Fields outside a coroutine body (g++ 12 mis-compiles braced string literals inside
/// coroutines: "array used as initializer").
inline Fields fields_of(std::vector<std::pair<std::string, std::string>> list) {
    Fields f;
    for (auto& [n, v] : list) f.add(std::move(n), std::move(v));
    return f;
}

/// Echo handler: answers 200 with "METHOD target body".
inline HandlerFn echo_handler() {
    return [](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
        std::string body;
        auto ec = co_await req.read_body(body);
        if (ec) co_return;
        std::string out = std::string(req.method()) + " " + std::string(req.target());
        if (!body.empty()) out += " " + body;
        Fields h;
        h.add(std::string("Content-Type"), std::string("text/plain"));
        co_await w.send_response(200, h, out);
    };
}

}  // namespace rr::http::test
