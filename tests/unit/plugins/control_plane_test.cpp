// The control plane in one process: a real app::Container with the rpc, informer and resetter
// plugins and a fake worker plugin, its io_context on a thread, called over loopback TCP with
// rpc::Client (what `rr reset` / `rr workers` use). PROTOCOL.md §5.4 shapes and upstream's texts.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "app/container.h"
#include "common/error.h"
#include "plugins/api/capabilities.h"
#include "plugins/informer/plugin.h"
#include "plugins/resetter/plugin.h"
#include "plugins/rpc/plugin.h"
#include "rpc/base64.h"
#include "rpc/client.h"

namespace rr::plugins {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using nlohmann::json;

/// A plugin with workers: resettable, scalable, and counting what was asked of it.
class FakeWorkers final : public Plugin,
                          public Resettable,
                          public WorkerInformer,
                          public WorkerScaler {
public:
    explicit FakeWorkers(std::string name) : name_(std::move(name)) {}
    std::string_view name() const noexcept override { return name_; }
    std::vector<std::string_view> sections() const override { return {}; }
    InitStatus init(InitContext&) override { return InitStatus::kEnabled; }

    void reset(ControlDone done) override {
        ++resets;
        done(fail_reset ? make_error_code(errc::kPoolStopped) : boost::system::error_code());
    }
    std::vector<WorkerInfo> workers() const override { return list; }
    void add_worker(ControlDone done) override {
        WorkerInfo w;
        w.pid = 1000 + static_cast<std::int64_t>(list.size());
        list.push_back(w);
        done({});
    }
    void remove_worker(ControlDone done) override {
        if (!list.empty()) list.pop_back();
        done({});
    }

    int resets = 0;
    bool fail_reset = false;
    std::vector<WorkerInfo> list;

private:
    std::string name_;
};

/// A resettable plugin without workers (like a future `service` plugin that only resets).
class OnlyResettable final : public Plugin, public Resettable {
public:
    std::string_view name() const noexcept override { return "kv"; }
    std::vector<std::string_view> sections() const override { return {}; }
    InitStatus init(InitContext&) override { return InitStatus::kEnabled; }
    void reset(ControlDone done) override { done({}); }
};

class ControlPlane : public ::testing::Test {
protected:
    void SetUp() override {
        logging_ = logging::Logging::discard();
        config_ = config::parse_string("version: '3'\nrpc:\n  listen: tcp://127.0.0.1:0\n");
        container_ = std::make_unique<app::Container>(io_, *logging_, config_, 5s);
        auto rpc = std::make_unique<RpcPlugin>();
        rpc_ = rpc.get();
        container_->add(std::move(rpc));
        auto http = std::make_unique<FakeWorkers>("http");
        http_ = http.get();
        WorkerInfo w;
        w.pid = 4711;
        w.state = 1;
        w.status = "ready";
        w.num_execs = 12;
        w.memory_bytes = 23068672;
        w.cpu_percent = 0.5;
        w.created_unix_ns = 1700000000000000000;
        http_->list.push_back(w);
        container_->add(std::move(http));
        container_->add(std::make_unique<OnlyResettable>());
        container_->add(std::make_unique<InformerPlugin>());
        container_->add(std::make_unique<ResetterPlugin>());
        container_->init();
        container_->serve(
            [this](std::string_view plugin, std::string message) {
                failures_.push_back(std::string(plugin) + ": " + message);
            },
            [] {});
        ASSERT_TRUE(failures_.empty()) << failures_.front();
        thread_ = std::thread([this] { io_.run(); });

        const std::string address = rpc_->listening_address();
        const auto port =
            static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
        auto client = rpc::Client::connect(rpc::Endpoint::tcp("127.0.0.1", port), 5s);
        ASSERT_TRUE(client) << client.error().message;
        client_.emplace(std::move(client).value());
    }

    void TearDown() override {
        client_.reset();
        if (!thread_.joinable()) return;  // SetUp failed before the io thread started
        std::promise<bool> stopped;
        asio::post(io_, [&] { container_->stop([&](bool clean) { stopped.set_value(clean); }); });
        auto fut = stopped.get_future();
        EXPECT_EQ(fut.wait_for(10s), std::future_status::ready);
        guard_.reset();
        io_.stop();
        thread_.join();
    }

    json call(const std::string& method, const json& arg) {
        auto r = client_->call(method, arg, 5s);
        if (!r) throw std::runtime_error(r.error().message);
        return r.value();
    }

    std::string call_error(const std::string& method, const json& arg) {
        auto r = client_->call(method, arg, 5s);
        if (r) return "<no error>";
        EXPECT_EQ(r.error().kind, rpc::ClientError::Kind::kService);
        return r.error().message;
    }

    /// Reads a field of the fake on the io thread.
    template <class F>
    auto on_io(F f) {
        std::promise<decltype(f())> p;
        asio::post(io_, [&] { p.set_value(f()); });
        return p.get_future().get();
    }

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_{io_.get_executor()};
    std::unique_ptr<logging::Logging> logging_;
    config::Config config_;
    std::unique_ptr<app::Container> container_;
    RpcPlugin* rpc_ = nullptr;     // owned by the container
    FakeWorkers* http_ = nullptr;  // owned by the container
    std::vector<std::string> failures_;
    std::thread thread_;
    std::optional<rpc::Client> client_;
};

TEST_F(ControlPlane, InformerListsPluginsWithWorkersAndTheirStates) {
    EXPECT_EQ(call("informer.List", true), json::array({"http"}));
    EXPECT_EQ(call("informer.Workers", "http"),
              json::parse(R"({"workers":[{"pid":4711,"status":1,"numExecs":12,
                  "created":1700000000000000000,"memoryUsage":23068672,"CPUPercent":0.5,
                  "command":"","statusStr":"ready"}]})"));
    // Upstream answers null for a plugin it does not know, not an error.
    EXPECT_EQ(call("informer.Workers", "nope"), json::parse(R"({"workers":null})"));
}

TEST_F(ControlPlane, AddAndRemoveWorkerReplyFalseAsUpstream) {
    EXPECT_EQ(call("informer.AddWorker", "http"), false);
    EXPECT_EQ(on_io([&] { return http_->list.size(); }), 2U);
    EXPECT_EQ(call("informer.RemoveWorker", "http"), false);
    EXPECT_EQ(on_io([&] { return http_->list.size(); }), 1U);
    EXPECT_EQ(call_error("informer.AddWorker", "kv"),
              "plugin kv does not support workers management");
    EXPECT_EQ(call_error("informer.RemoveWorker", "nope"),
              "plugin nope does not support workers management");
}

TEST_F(ControlPlane, ResetterListsAndResetsAndReportsEveryFailure) {
    EXPECT_EQ(call("resetter.List", true), json::array({"http", "kv"}));
    EXPECT_EQ(call("resetter.Reset", "http"), true);
    EXPECT_EQ(on_io([&] { return http_->resets; }), 1);
    EXPECT_EQ(call_error("resetter.Reset", "nope"), "no such plugin: nope");
    on_io([&] { return http_->fail_reset = true; });
    EXPECT_EQ(call_error("resetter.Reset", "http"),
              "reset of plugin http failed: " + make_error_code(errc::kPoolStopped).message());
    // A wrong argument type is an error, not a crash or a reset of something.
    EXPECT_NE(call_error("resetter.Reset", json::object()).find("cannot unmarshal"),
              std::string::npos);
}

TEST_F(ControlPlane, VersionAndConfig) {
    EXPECT_EQ(call("rpc.Version", true), "2024.3.5");
    const json cfg = call("rpc.Config", true);
    ASSERT_TRUE(cfg.is_string());
    const auto bytes = rpc::base64_decode(cfg.get<std::string>());
    ASSERT_TRUE(bytes);
    EXPECT_EQ(*bytes, config_.raw_json);
    EXPECT_EQ(json::parse(*bytes)["rpc"]["listen"], "tcp://127.0.0.1:0");
}

TEST(ControlPlaneStart, InformerAndResetterAreOffWithoutRpc) {
    asio::io_context io;
    auto logging = logging::Logging::discard();
    const config::Config cfg = config::parse_string("version: '3'\n");
    app::Container c(io, *logging, cfg, 1s);
    c.add(std::make_unique<RpcPlugin>());
    c.add(std::make_unique<InformerPlugin>());
    c.add(std::make_unique<ResetterPlugin>());
    c.init();
    EXPECT_TRUE(c.enabled().empty());
    // The rpc section is owned now: no "not served" warning for it.
    EXPECT_TRUE(c.unowned_sections().empty());
}

TEST(ControlPlaneStart, ABindFailureIsAFatalStartErrorNamingTheAddress) {
    // Take a port, then ask the rpc plugin to listen on it.
    asio::io_context io;
    asio::ip::tcp::acceptor taken(io, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = taken.local_endpoint().port();
    auto logging = logging::Logging::discard();
    const std::string listen = "tcp://127.0.0.1:" + std::to_string(port);
    const config::Config cfg =
        config::parse_string("version: '3'\nrpc:\n  listen: " + listen + "\n");
    app::Container c(io, *logging, cfg, 1s);
    c.add(std::make_unique<RpcPlugin>());
    c.init();
    std::vector<std::string> failures;
    bool started = false;
    c.serve([&](std::string_view plugin,
                std::string message) { failures.push_back(std::string(plugin) + ": " + message); },
            [&] { started = true; });
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_EQ(failures[0].rfind("rpc: cannot listen on " + listen + ": ", 0), 0U) << failures[0];
    EXPECT_FALSE(started);
    bool done = false;
    c.stop([&](bool) { done = true; });
    io.run();
    EXPECT_TRUE(done);
}

}  // namespace
}  // namespace rr::plugins
