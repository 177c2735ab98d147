#pragma once
// Fixture for the HTTP e2e suites: renders tests/e2e/http/php/rr.yaml.in into a temp dir,
// starts the real `rr serve` on a free port with real PHP workers, and at the end stops it
// with SIGTERM and expects exit code 0 (under ASan that also means "no leaks").
// Waiting is always for a condition with a deadline (log line, socket data, exit).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "e2e/http/raw_client.h"
#include "e2e/support/child_process.h"
#include "e2e/support/free_port.h"

namespace rr::e2e {

namespace fs = std::filesystem;

/// Generous: a Debug + ASan rr and cold PHP processes on a loaded 2-core machine.
constexpr milliseconds kStartTimeout{60000};
constexpr milliseconds kTimeout{20000};
constexpr const char* kListening = "http server listening on";

/// What a test varies in the config template, set fluently:
/// `Scenario().worker("stream.php").workers(1)`.
struct Scenario {
    std::string worker_ = "dump.php";  ///< a script in tests/e2e/http/php/
    int workers_ = 1;
    std::string allocate_timeout_ = "20s";
    std::string http_extra_;  ///< extra YAML lines under `http:` (2-space indented)
    std::string pool_extra_;  ///< extra YAML lines under `http.pool:` (4-space indented)
    std::string address_;     ///< `http.address`; empty = 127.0.0.1:<free port>; "none" = no key

    Scenario& worker(std::string v) { return worker_ = std::move(v), *this; }
    Scenario& workers(int v) { return workers_ = v, *this; }
    Scenario& allocate_timeout(std::string v) { return allocate_timeout_ = std::move(v), *this; }
    Scenario& http_extra(std::string v) { return http_extra_ = std::move(v), *this; }
    Scenario& pool_extra(std::string v) { return pool_extra_ = std::move(v), *this; }
    Scenario& address(std::string v) { return address_ = std::move(v), *this; }
};

class HttpE2E : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-http-e2e-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        fs::create_directories(uploads_dir());
    }

    void TearDown() override {
        for (int fd : fifo_fds_) ::close(fd);  // releases workers blocked on a FIFO
        if (rr_) {
            rr_->signal(SIGTERM);
            const auto code = rr_->wait_exit(kTimeout);
            EXPECT_EQ(code, 0) << "rr did not stop cleanly on SIGTERM\n" << rr_->err();
            if (HasFailure()) std::cerr << "---- rr stderr ----\n" << rr_->err() << "\n";
            rr_.reset();  // kills by PID if still running
        }
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    fs::path uploads_dir() const { return dir_ / "uploads"; }

    /// Starts rr for `s` without waiting; the caller waits for its output or exit.
    void launch(const Scenario& s) {
        port_ = free_port();
        const fs::path cfg = dir_ / ".rr.yaml";
        std::ofstream(cfg) << render(s);
        rr_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{RR_BINARY, "serve", "-c", cfg.string()}, dir_.string());
    }

    /// Starts rr for `s`; a test calls ASSERT_NO_FATAL_FAILURE(start(...)).
    void start(const Scenario& s) {
        for (int attempt = 0; attempt < 3; ++attempt) {
            port_ = free_port();
            const fs::path cfg = dir_ / ".rr.yaml";
            std::ofstream(cfg) << render(s);
            rr_ = std::make_unique<ChildProcess>(
                std::vector<std::string>{RR_BINARY, "serve", "-c", cfg.string()}, dir_.string());
            if (rr_->wait_for(kListening, kStartTimeout, /*on_stderr=*/true)) return;
            const bool in_use = rr_->err().find("in use") != std::string::npos;
            rr_->signal(SIGKILL);
            rr_->wait_exit(kTimeout);
            if (!in_use) {
                const std::string err = rr_->err();
                rr_.reset();
                FAIL() << "rr did not start listening:\n" << err;
            }
            rr_.reset();  // the port was taken between probe and bind: try another
        }
        FAIL() << "no free port after 3 attempts";
    }

    std::unique_ptr<RawClient> connect() const { return std::make_unique<RawClient>(port_); }

    /// Sends `raw` on a new connection and reads the final response.
    std::optional<HttpResponse> exchange(const std::string& raw) {
        RawClient c(port_);
        EXPECT_TRUE(c.send(raw));
        auto r = c.read_final(kTimeout);
        if (rr_) rr_->drain();
        return r;
    }

    /// Creates a FIFO in the temp dir and holds it open read-write, so a worker opening it for
    /// reading never blocks on open and waits in fgets() for release_fifo().
    std::string make_fifo(const std::string& name) {
        const fs::path p = dir_ / name;
        EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0);
        const int fd = ::open(p.c_str(), O_RDWR | O_CLOEXEC);
        EXPECT_GE(fd, 0);
        fifo_fds_.push_back(fd);
        fifo_paths_.push_back(p.string());
        return p.string();
    }

    /// Writes one line to the FIFO made by make_fifo(`path`).
    void release_fifo(const std::string& path, const std::string& line) {
        for (std::size_t i = 0; i < fifo_paths_.size(); ++i) {
            if (fifo_paths_[i] == path) {
                const std::string data = line + "\n";
                ASSERT_EQ(::write(fifo_fds_[i], data.data(), data.size()),
                          static_cast<ssize_t>(data.size()));
                return;
            }
        }
        FAIL() << "unknown fifo " << path;
    }

    /// Builds "GET <target> HTTP/1.1" with a Host and extra header lines (each ending CRLF).
    std::string get(const std::string& target, const std::string& extra = "") const {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n" +
               extra + "\r\n";
    }

    std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

    fs::path dir_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> rr_;

private:
    std::string render(const Scenario& s) const {
        std::ifstream in(fs::path(RR_SOURCE_DIR) / "tests/e2e/http/php/rr.yaml.in");
        std::stringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();
        const fs::path worker = fs::path(RR_SOURCE_DIR) / "tests/e2e/http/php" / s.worker_;
        if (s.address_ == "none") replace(text, "  address: @ADDRESS@\n", "");
        replace(text, "@ADDRESS@",
                s.address_.empty() ? "127.0.0.1:" + std::to_string(port_) : s.address_);
        replace(text, "@PORT@", std::to_string(port_));
        replace(text, "@WORKER@", worker.string());
        replace(text, "@WORKERS@", std::to_string(s.workers_));
        replace(text, "@UPLOADS@", uploads_dir().string());
        replace(text, "@ALLOCATE@", s.allocate_timeout_);
        replace(text, "@POOL_EXTRA@", s.pool_extra_);
        replace(text, "@HTTP_EXTRA@", s.http_extra_);
        return text;
    }

    static void replace(std::string& text, const std::string& key, const std::string& value) {
        for (auto pos = text.find(key); pos != std::string::npos;
             pos = text.find(key, pos + value.size())) {
            text.replace(pos, key.size(), value);
        }
    }

protected:
    /// A port the kernel just handed out for 127.0.0.1 (`http.address` needs a real port).
    static std::uint16_t pick_port() { return free_port(); }

private:
    std::vector<int> fifo_fds_;
    std::vector<std::string> fifo_paths_;
};

}  // namespace rr::e2e
