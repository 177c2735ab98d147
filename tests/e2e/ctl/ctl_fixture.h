#pragma once
// Fixture for the control-plane e2e suites: a temp dir with a rendered .rr.yaml (rpc + http on
// free loopback ports, real PHP workers), the real `rr serve`, and helpers to run the real CLI
// (`rr reset`, `rr workers`) and to ask the server over RPC. Every wait is for a condition with
// a deadline; the server is stopped with SIGTERM and must exit 0.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/http/raw_client.h"
#include "e2e/support/child_process.h"
#include "e2e/support/free_port.h"
#include "rpc/client.h"

namespace rr::e2e {

namespace fs = std::filesystem;
using Json = nlohmann::json;

/// Generous: a Debug + ASan rr and cold PHP processes on a loaded 2-core machine.
constexpr milliseconds kStartTimeout{60000};
constexpr milliseconds kTimeout{30000};

/// What a test varies in the config, set fluently: `CtlScenario().workers(3)`.
struct CtlScenario {
    int workers_ = 2;
    std::string worker_ = "pid.php";  ///< a script in tests/e2e/ctl/php/
    std::string pool_extra_;          ///< lines under http.pool (4-space indented)
    std::string top_extra_;           ///< top-level sections appended to the file
    std::string http_extra_;          ///< lines under http (2-space indented)
    std::string rpc_listen_;          ///< rpc.listen; "" = tcp://127.0.0.1:<free port>

    CtlScenario& workers(int v) { return workers_ = v, *this; }
    CtlScenario& worker(std::string v) { return worker_ = std::move(v), *this; }
    CtlScenario& pool_extra(std::string v) { return pool_extra_ = std::move(v), *this; }
    CtlScenario& top_extra(std::string v) { return top_extra_ = std::move(v), *this; }
    CtlScenario& http_extra(std::string v) { return http_extra_ = std::move(v), *this; }
    CtlScenario& rpc_listen(std::string v) { return rpc_listen_ = std::move(v), *this; }
};

/// What a CLI run gave.
struct CliRun {
    std::optional<int> code;
    std::string out;
    std::string err;
};

/// PIDs in the rows of `rr workers` tables ("| 4711 | ready | ...").
inline std::set<std::int64_t> table_pids(const std::string& out) {
    std::set<std::int64_t> pids;
    static const std::regex row(R"(^\| (\d+) +\| )");
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_search(line, m, row)) pids.insert(std::stoll(m[1]));
    }
    return pids;
}

class CtlE2E : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-ctl-e2e-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }

    void TearDown() override {
        if (rr_) {
            rr_->signal(SIGTERM);
            const auto code = rr_->wait_exit(kTimeout);
            EXPECT_EQ(code, 0) << "rr did not stop cleanly on SIGTERM\n" << rr_->err();
            if (HasFailure()) std::cerr << "---- rr stderr ----\n" << rr_->err() << "\n";
            rr_.reset();
        }
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    std::string rpc_listen() const { return "tcp://127.0.0.1:" + std::to_string(rpc_port_); }

    /// Renders the config and starts `rr serve`; waits until rpc and http both listen.
    void start(const CtlScenario& s) {
        for (int attempt = 0; attempt < 3; ++attempt) {
            http_port_ = free_port();
            rpc_port_ = free_port();
            std::ofstream(dir_ / ".rr.yaml") << render(s);
            rr_ = std::make_unique<ChildProcess>(
                std::vector<std::string>{binary_, "serve", "-c", (dir_ / ".rr.yaml").string()},
                dir_.string());
            if (rr_->wait_for("http server listening on", kStartTimeout, true) &&
                rr_->wait_for("rpc server listening on", kTimeout, true)) {
                return;
            }
            const bool in_use = rr_->err().find("in use") != std::string::npos;
            rr_->signal(SIGKILL);
            rr_->wait_exit(kTimeout);
            if (!in_use) {
                const std::string err = rr_->err();
                rr_.reset();
                FAIL() << "rr did not start:\n" << err;
            }
            rr_.reset();  // a port was taken between probe and bind: try others
        }
        FAIL() << "no free ports after 3 attempts";
    }

    /// Runs the real CLI in the app dir: `rr <args...>`. While it runs, rr's own output is
    /// drained, so a chatty server never blocks on a full pipe (and the reset it serves with it).
    CliRun cli(std::vector<std::string> args, const fs::path& cwd = {}) const {
        args.insert(args.begin(), RR_BINARY);
        ChildProcess p(args, (cwd.empty() ? dir_ : cwd).string());
        CliRun r;
        const auto deadline = Clock::now() + kTimeout * 4;
        while (!r.code && Clock::now() < deadline) {
            r.code = p.wait_exit(milliseconds(50));
            if (rr_) rr_->drain();
        }
        r.out = p.out();
        r.err = p.err();
        return r;
    }

    rpc::Client rpc_client() const {
        auto c = rpc::Client::connect(rpc::Endpoint::tcp("127.0.0.1", rpc_port_),
                                      std::chrono::seconds(5));
        if (!c) throw std::runtime_error(c.error().message);
        return std::move(c).value();
    }

    /// informer.Workers("http") PIDs, asked over RPC.
    std::set<std::int64_t> worker_pids() const {
        rpc::Client c = rpc_client();
        auto r = c.call("informer.Workers", "http", std::chrono::seconds(10));
        if (!r) throw std::runtime_error(r.error().message);
        std::set<std::int64_t> pids;
        for (const auto& w : r.value()["workers"]) pids.insert(w["pid"].get<std::int64_t>());
        return pids;
    }

    /// GET `path` on a new connection; the worker's JSON answer (empty on failure).
    Json get(const std::string& path) const {
        RawClient c(http_port_);
        if (!c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")) return {};
        auto r = c.read_final(kTimeout);
        if (!r || r->status != 200) return {};
        return Json::parse(r->body, nullptr, false);
    }

    fs::path dir_;
    std::string binary_ = RR_BINARY;  ///< what start() runs
    std::uint16_t http_port_ = 0;
    std::uint16_t rpc_port_ = 0;
    std::unique_ptr<ChildProcess> rr_;

private:
    std::string render(const CtlScenario& s) const {
        const fs::path worker = fs::path(RR_SOURCE_DIR) / "tests/e2e/ctl/php" / s.worker_;
        std::ostringstream y;
        y << "version: \"3\"\n"
          << "rpc:\n  listen: " << (s.rpc_listen_.empty() ? rpc_listen() : s.rpc_listen_) << "\n"
          << "server:\n  command: \"php " << worker.string() << "\"\n"
          << "logs:\n  mode: development\n  level: info\n"
          << "http:\n  address: 127.0.0.1:" << http_port_ << "\n"
          << s.http_extra_ << "  pool:\n    num_workers: " << s.workers_ << "\n"
          << "    allocate_timeout: 60s\n    reset_timeout: 30s\n    destroy_timeout: 10s\n"
          << s.pool_extra_ << s.top_extra_;
        return y.str();
    }
};

}  // namespace rr::e2e
