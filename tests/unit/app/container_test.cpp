#include "app/container.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <string>
#include <vector>

namespace rr::app {
namespace {

using Events = std::vector<std::string>;
using plugins::StopDone;

struct Capability {
    virtual ~Capability() = default;
    virtual int answer() const = 0;
};

class FakePlugin : public Plugin, public Capability {
public:
    FakePlugin(std::string name, std::vector<std::string_view> deps, Events& events)
        : name_(std::move(name)), deps_(std::move(deps)), events_(events) {}

    std::string_view name() const noexcept override { return name_; }
    std::vector<std::string_view> dependencies() const override { return deps_; }
    InitStatus init(InitContext& ctx) override {
        events_.push_back("init " + name_);
        if (throw_config_) throw config::ConfigError(name_ + ".key", "bad value");
        if (found_) *found_ = ctx.find<Capability>();
        return disabled_ ? InitStatus::kDisabled : InitStatus::kEnabled;
    }
    void serve(ServeContext& ctx) override {
        events_.push_back("serve " + name_);
        if (fail_on_serve_) ctx.fail("listener failed");
        if (defer_start_) started_ = ctx.defer_started();
        seen_ = ctx.registry().collect<Capability>().size();
    }
    void stop(Deadline, StopDone done) override {
        events_.push_back("stop " + name_);
        if (hang_) {
            held_ = std::move(done);  // never completes
            return;
        }
        done({});
    }
    void stopping() noexcept override {
        if (record_stopping_) events_.push_back("stopping " + name_);
    }
    int answer() const override { return 42; }

    bool record_stopping_ = false;
    bool disabled_ = false;
    bool hang_ = false;
    bool fail_on_serve_ = false;
    bool throw_config_ = false;
    bool defer_start_ = false;
    Capability** found_ = nullptr;
    std::function<void()> started_;  // set by serve() when defer_start_
    std::size_t seen_ = 0;           // capabilities the registry showed serve()

private:
    std::string name_;
    std::vector<std::string_view> deps_;
    Events& events_;
    StopDone held_;
};

class ContainerTest : public ::testing::Test {
protected:
    FakePlugin& add(std::string name, std::vector<std::string_view> deps = {}) {
        auto p = std::make_unique<FakePlugin>(std::move(name), std::move(deps), events_);
        FakePlugin& ref = *p;
        container_.add(std::move(p));
        return ref;
    }

    /// Runs stop() to completion; returns the clean flag.
    bool stop_all() {
        bool called = false;
        bool clean = false;
        container_.stop([&](bool c) {
            called = true;
            clean = c;
        });
        io_.run();
        EXPECT_TRUE(called);
        return clean;
    }

    boost::asio::io_context io_;
    std::unique_ptr<logging::Logging> logging_ = logging::Logging::discard();
    config::Config config_;
    Events events_;
    Container container_{io_, *logging_, config_, std::chrono::milliseconds(100)};
};

TEST_F(ContainerTest, StartsInDependencyOrderAndStopsInReverse) {
    add("http", {"server", "rpc"});
    add("rpc");
    add("server");
    EXPECT_EQ(container_.order(), (std::vector<std::string>{"rpc", "server", "http"}));
    container_.init();
    container_.serve([](std::string_view, std::string) { FAIL(); }, [] {});
    EXPECT_TRUE(stop_all());
    EXPECT_EQ(events_, (Events{"init rpc", "init server", "init http", "serve rpc", "serve server",
                               "serve http", "stop http", "stop server", "stop rpc"}));
}

TEST_F(ContainerTest, TellsEveryServedPluginThatAStopBeganBeforeStoppingAny) {
    add("http", {"server"}).record_stopping_ = true;
    add("status").record_stopping_ = true;
    add("server").record_stopping_ = true;
    add("off").disabled_ = true;
    container_.init();
    container_.serve([](std::string_view, std::string) { FAIL(); }, [] {});
    events_.clear();
    EXPECT_TRUE(stop_all());
    EXPECT_EQ(events_, (Events{"stopping status", "stopping server", "stopping http", "stop http",
                               "stop server", "stop status"}));
    // A second stop request neither repeats the notification nor stops anything twice.
    events_.clear();
    container_.stop([](bool) {});
    io_.restart();
    io_.run();
    EXPECT_TRUE(events_.empty());
}

TEST_F(ContainerTest, KeepsRegistrationOrderAmongIndependentPlugins) {
    add("c");
    add("a");
    add("b", {"c"});
    EXPECT_EQ(container_.order(), (std::vector<std::string>{"c", "a", "b"}));
}

TEST_F(ContainerTest, DependencyCycleIsAnErrorNamingTheLoop) {
    add("a", {"b"});
    add("b", {"c"});
    add("c", {"b"});
    try {
        container_.init();
        FAIL() << "expected ContainerError";
    } catch (const ContainerError& e) {
        EXPECT_STREQ(e.what(), "plugin dependency cycle: b -> c -> b");
    }
    EXPECT_TRUE(events_.empty());
}

TEST_F(ContainerTest, UnknownDependencyIsAnError) {
    add("http", {"server"});
    EXPECT_THROW(container_.order(), ContainerError);
}

TEST_F(ContainerTest, DuplicateNameIsAnError) {
    add("http");
    EXPECT_THROW(add("http"), ContainerError);
}

TEST_F(ContainerTest, DisabledPluginIsSkippedAndSoAreItsDependents) {
    add("server").disabled_ = true;
    add("http", {"server"});
    add("rpc");
    container_.init();
    EXPECT_EQ(container_.enabled(), (std::vector<std::string>{"rpc"}));
    container_.serve([](std::string_view, std::string) {}, [] {});
    EXPECT_TRUE(stop_all());
    // http's init is never called: its dependency is disabled.
    EXPECT_EQ(events_, (Events{"init server", "init rpc", "serve rpc", "stop rpc"}));
}

TEST_F(ContainerTest, InitFindsCapabilitiesAmongDependencies) {
    add("server");
    Capability* found = nullptr;
    add("http", {"server"}).found_ = &found;
    Capability* not_found = reinterpret_cast<Capability*>(1);
    add("rpc").found_ = &not_found;
    container_.init();
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->answer(), 42);
    EXPECT_EQ(not_found, nullptr);  // rpc declares no dependencies
    const plugins::Registry& registry = container_;
    const auto all = registry.collect<Capability>();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].first, "server");
    EXPECT_EQ(all[2].second->answer(), 42);
}

TEST_F(ContainerTest, ConfigErrorFromInitPassesThrough) {
    add("server").throw_config_ = true;
    try {
        container_.init();
        FAIL() << "expected ConfigError";
    } catch (const config::ConfigError& e) {
        EXPECT_EQ(e.key_path(), "server.key");
    }
}

TEST_F(ContainerTest, StopMovesOnWhenAPluginMissesItsGracePeriod) {
    add("server");
    add("http", {"server"}).hang_ = true;
    container_.init();
    container_.serve([](std::string_view, std::string) {}, [] {});
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(stop_all());
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
    EXPECT_EQ(events_.back(), "stop server");
}

TEST_F(ContainerTest, ServeFailureIsReportedAndLaterPluginsAreNotServed) {
    add("server").fail_on_serve_ = true;
    add("http", {"server"});
    std::vector<std::string> failures;
    container_.init();
    bool started = false;
    container_.serve(
        [&](std::string_view plugin, std::string message) {
            failures.push_back(std::string(plugin) + ": " + message);
        },
        [&] { started = true; });
    EXPECT_EQ(failures, (std::vector<std::string>{"server: listener failed"}));
    EXPECT_FALSE(started);
    EXPECT_TRUE(stop_all());
    EXPECT_EQ(events_, (Events{"init server", "init http", "serve server", "stop server"}));
}

TEST_F(ContainerTest, StartedOnlyWhenEveryDeferredPluginIsUp) {
    FakePlugin& server = add("server");
    server.defer_start_ = true;
    FakePlugin& http = add("http", {"server"});
    http.defer_start_ = true;
    add("rpc");
    container_.init();
    int started = 0;
    container_.serve([](std::string_view, std::string) { FAIL(); }, [&] { ++started; });
    EXPECT_EQ(started, 0);
    EXPECT_EQ(http.seen_, 3u);  // serve() sees every enabled plugin through the registry
    http.started_();
    EXPECT_EQ(started, 0);
    server.started_();
    server.started_();  // a second call is ignored
    EXPECT_EQ(started, 1);
    EXPECT_TRUE(stop_all());
}

TEST_F(ContainerTest, StartedAtOnceWithoutDeferredPlugins) {
    add("server");
    container_.init();
    int started = 0;
    container_.serve([](std::string_view, std::string) {}, [&] { ++started; });
    EXPECT_EQ(started, 1);
    EXPECT_TRUE(stop_all());
}

TEST(ContainerSections, SectionsNoPluginOwnsAreOneWarningEach) {
    boost::asio::io_context io;
    auto logging = logging::Logging::discard();
    const config::Config config = config::parse_string(R"(
version: "3"
server:
  command: php w.php
logs:
  level: info
jobs:
  consume: [a]
status:
  address: 127.0.0.1:2114
htpp:
  address: x
)");
    Events events;
    Container container(io, *logging, config, std::chrono::seconds(1));
    container.add(std::make_unique<FakePlugin>("server", std::vector<std::string_view>{}, events));
    EXPECT_EQ(container.unowned_sections(),
              (std::vector<std::string>{"jobs: section not served by this build yet; ignored",
                                        "status: section not served by this build yet; ignored",
                                        "htpp: unknown section; ignored"}));
}

TEST_F(ContainerTest, SecondStopCallIsIgnored) {
    add("server");
    container_.init();
    container_.serve([](std::string_view, std::string) {}, [] {});
    int calls = 0;
    container_.stop([&](bool) { ++calls; });
    container_.stop([&](bool) { ++calls; });
    io_.run();
    EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace rr::app
