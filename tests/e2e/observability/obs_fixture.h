#pragma once
// Fixture for the observability e2e suites: starts the real `rr serve` with real PHP workers
// (php/obs.php), the status and metrics listeners on free ports, and stops it with SIGTERM
// at the end expecting exit code 0. Every wait is for a condition with a deadline: a log line,
// a response, an exit.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "e2e/http/raw_client.h"
#include "e2e/support/child_process.h"
#include "e2e/support/free_port.h"
#include "support/eventually.h"
#include "support/prom_text_parser.h"

namespace rr::e2e {

namespace fs = std::filesystem;
namespace prom = rr::test::prom;

constexpr milliseconds kStartTimeout{60000};  // Debug + ASan rr, cold PHP, loaded box
constexpr milliseconds kTimeout{20000};

/// gunzip of a whole gzip member; empty on error.
inline std::string gunzip(std::string_view in) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return {};
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[16384];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
    }
    inflateEnd(&zs);
    return rc == Z_STREAM_END ? out : std::string();
}

class ObsE2E : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-obs-e2e-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        while (status_port_ == http_port_) status_port_ = free_port();
        while (metrics_port_ == http_port_ || metrics_port_ == status_port_) {
            metrics_port_ = free_port();
        }
        while (rpc_port_ == http_port_ || rpc_port_ == status_port_ || rpc_port_ == metrics_port_) {
            rpc_port_ = free_port();
        }
    }

    void TearDown() override {
        for (int fd : fifo_fds_) ::close(fd);
        if (rr_) {
            if (!exited_) {
                rr_->signal(SIGTERM);
                const auto code = rr_->wait_exit(kTimeout);
                EXPECT_EQ(code, 0) << "rr did not stop cleanly on SIGTERM\n" << rr_->err();
            }
            if (HasFailure()) std::cerr << "---- rr stderr ----\n" << rr_->err() << "\n";
            rr_.reset();
        }
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    /// What a test varies in the config.
    struct Options {
        int workers = 1;
        std::string http_extra{};    ///< YAML lines under `http:` (2-space indented)
        std::string status_extra{};  ///< YAML lines under `status:` (2-space indented)
        std::string env{};           ///< YAML lines under `server.env:` (4-space indented)
        std::string extra{};         ///< top-level YAML appended at the end
        std::string logs_extra{};    ///< YAML lines under `logs:` (2-space indented)
        std::string pool_extra{};    ///< YAML lines under `http.pool:` (4-space indented)
        std::string allocate_timeout = "20s";
        bool rpc = false;  ///< an `rpc` section on rpc_port_
    };

    /// The config: http on a free port with php/obs.php, status and metrics on free ports.
    std::string config(const Options& o) const {
        const fs::path worker = fs::path(RR_SOURCE_DIR) / "tests/e2e/observability/php/obs.php";
        std::string text = "version: \"3\"\n";
        text += "server:\n  command: \"php " + worker.string() + "\"\n";
        if (!o.env.empty()) text += "  env:\n" + o.env;
        text += "logs:\n  mode: development\n  level: info\n" + o.logs_extra;
        text += "http:\n  address: 127.0.0.1:" + std::to_string(http_port_) + "\n";
        text += "  pool:\n    num_workers: " + std::to_string(o.workers) +
                "\n    allocate_timeout: " + o.allocate_timeout + "\n    destroy_timeout: 10s\n" +
                o.pool_extra;
        text += o.http_extra;
        text += "status:\n  address: 127.0.0.1:" + std::to_string(status_port_) + "\n";
        text += o.status_extra;
        text += "metrics:\n  address: 127.0.0.1:" + std::to_string(metrics_port_) + "\n";
        text += o.extra;
        if (o.rpc) text += "rpc:\n  listen: tcp://127.0.0.1:" + std::to_string(rpc_port_) + "\n";
        return text;
    }

    /// Starts rr with `yaml` (ports already in it); waits for `until` on stderr (empty: no
    /// wait). A test calls ASSERT_NO_FATAL_FAILURE(launch(...)).
    void launch(const std::string& yaml, const std::string& until = "http server listening on") {
        const fs::path cfg = dir_ / ".rr.yaml";
        std::ofstream(cfg) << yaml;
        rr_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{RR_BINARY, "serve", "-c", cfg.string()}, dir_.string());
        if (!until.empty()) {
            ASSERT_TRUE(rr_->wait_for(until, kStartTimeout, /*on_stderr=*/true))
                << "rr did not log \"" << until << "\":\n"
                << rr_->err();
        }
    }

    /// Starts `rr <args>` in the temp dir without waiting.
    void launch_args(const std::vector<std::string>& args) {
        std::vector<std::string> argv{RR_BINARY};
        argv.insert(argv.end(), args.begin(), args.end());
        rr_ = std::make_unique<ChildProcess>(argv, dir_.string());
    }

    /// One GET on a new connection; nullopt when rr does not answer in time.
    std::optional<HttpResponse> get(std::uint16_t port, const std::string& target,
                                    const std::string& extra_headers = "") {
        RawClient c(port);
        EXPECT_TRUE(c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                           "Connection: close\r\n\r\n"));
        auto r = c.read_final(kTimeout);
        if (rr_) rr_->drain();
        return r;
    }

    /// A scrape of the metrics endpoint, parsed strictly.
    prom::Exposition scrape() {
        auto r = get(metrics_port_, "/metrics");
        EXPECT_TRUE(r);
        if (!r) return {};
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
        auto parsed = prom::parse(r->body);
        EXPECT_TRUE(parsed) << parsed.error << "\n" << r->body;
        return parsed ? *parsed.exposition : prom::Exposition{};
    }

    /// Scrapes until `done(exposition)` holds (5 s at most) and returns the last scrape. For
    /// what is counted after the client has its answer: http_metrics records a request once its
    /// response is written, and the scrape thread does not wait for the I/O thread.
    template <class Done>
    prom::Exposition scrape_until(Done done) {
        prom::Exposition e;
        EXPECT_TRUE(test::eventually([&] {
            e = scrape();
            return done(e);
        })) << "the scrape never showed what the test waits for";
        return e;
    }

    /// Runs `php -r <code>` with our PHP library's autoloader loaded and RR_RPC pointing at the
    /// rpc section; returns its stdout (the exit code must be 0).
    std::string php(const std::string& code) {
        const std::string autoload = (fs::path(RR_SOURCE_DIR) / "php/autoload.php").string();
        ChildProcess p({"/usr/bin/php", "-r", "require '" + autoload + "';\n" + code},
                       dir_.string(), {"RR_RPC=tcp://127.0.0.1:" + std::to_string(rpc_port_)});
        const auto code_ = p.wait_exit(kTimeout);
        EXPECT_EQ(code_, 0) << p.out() << p.err();
        return p.out();
    }

    /// A FIFO held open read-write (a worker opening it never blocks on open).
    std::string make_fifo(const std::string& name) {
        const fs::path p = dir_ / name;
        EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0);
        const int fd = ::open(p.c_str(), O_RDWR | O_CLOEXEC);
        EXPECT_GE(fd, 0);
        fifo_fds_.push_back(fd);
        fifo_paths_.push_back(p.string());
        return p.string();
    }

    void release_fifo(const std::string& path, int lines = 1) {
        for (std::size_t i = 0; i < fifo_paths_.size(); ++i) {
            if (fifo_paths_[i] != path) continue;
            for (int n = 0; n < lines; ++n) {
                ASSERT_EQ(::write(fifo_fds_[i], "go\n", 3), 3);
            }
            return;
        }
        FAIL() << "unknown fifo " << path;
    }

    /// Sends a request whose answer the test reads later (a worker blocked on a FIFO).
    std::unique_ptr<RawClient> send_async(std::uint16_t port, const std::string& target) {
        auto c = std::make_unique<RawClient>(port);
        EXPECT_TRUE(c->send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        return c;
    }

    fs::path dir_;
    std::uint16_t http_port_ = free_port();
    std::uint16_t status_port_ = free_port();
    std::uint16_t metrics_port_ = free_port();
    std::uint16_t rpc_port_ = free_port();
    std::unique_ptr<ChildProcess> rr_;
    bool exited_ = false;

private:
    std::vector<int> fifo_fds_;
    std::vector<std::string> fifo_paths_;
};

}  // namespace rr::e2e
