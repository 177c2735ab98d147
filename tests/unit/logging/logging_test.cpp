#include "logging/logging.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rr::logging {
namespace {

namespace fs = std::filesystem;

class LoggingTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-logging-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string path(const char* name) const { return (dir_ / name).string(); }

    static std::vector<std::string> lines(const std::string& file) {
        std::ifstream in(file);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }

    fs::path dir_;
};

TEST_F(LoggingTest, DevelopmentWritesConsoleLinesWithoutColourToFiles) {
    LoggingOptions o;
    o.root.output = {path("out.log")};
    Logging logging(o);
    info(*logging.get("server"), "worker started", {{"pid", 7}});
    const auto got = lines(path("out.log"));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_NE(got[0].find("\tINFO\tserver\tworker started\tpid=7"), std::string::npos) << got[0];
    EXPECT_EQ(got[0].find('\033'), std::string::npos);
}

TEST_F(LoggingTest, ProductionWritesJsonLines) {
    LoggingOptions o;
    o.root.mode = Mode::kProduction;
    o.root.output = {path("out.log")};
    Logging logging(o);
    warn(*logging.get("http"), "slow request", {{"uri", "/a b"}, {"ms", 1500}});
    const auto got = lines(path("out.log"));
    ASSERT_EQ(got.size(), 1u);
    const auto j = nlohmann::json::parse(got[0]);
    EXPECT_EQ(j["level"], "warn");
    EXPECT_EQ(j["logger"], "http");
    EXPECT_EQ(j["msg"], "slow request");
    EXPECT_EQ(j["uri"], "/a b");
    EXPECT_EQ(j["ms"], 1500);
    EXPECT_TRUE(j["ts"].is_number_integer());
}

TEST_F(LoggingTest, RawWritesMessagesOnly) {
    LoggingOptions o;
    o.root.mode = Mode::kRaw;
    o.root.output = {path("out.log")};
    Logging logging(o);
    logging.get("server")->info("PHP Notice: hello");
    EXPECT_EQ(lines(path("out.log")), std::vector<std::string>{"PHP Notice: hello"});
}

TEST_F(LoggingTest, LevelFiltersLowerRecords) {
    LoggingOptions o;
    o.root.level = spdlog::level::warn;
    o.root.output = {path("out.log")};
    Logging logging(o);
    auto log = logging.get("http");
    debug(*log, "hidden");
    info(*log, "hidden too");
    error(*log, "shown");
    const auto got = lines(path("out.log"));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_NE(got[0].find("shown"), std::string::npos);
}

TEST_F(LoggingTest, ChannelOverridesLevelModeAndOutput) {
    LoggingOptions o;
    o.root.level = spdlog::level::info;
    o.root.output = {path("root.log")};
    ChannelOverride http;
    http.mode = Mode::kProduction;
    http.output = std::vector<std::string>{path("http.log")};
    o.channels["http"] = http;
    ChannelOverride server;
    server.level = spdlog::level::err;
    o.channels["server"] = server;
    Logging logging(o);

    info(*logging.get("http"), "to http file");
    info(*logging.get("server"), "filtered");
    error(*logging.get("server"), "server error");
    info(*logging.get("rpc"), "rpc info");

    const auto http_lines = lines(path("http.log"));
    ASSERT_EQ(http_lines.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(http_lines[0])["msg"], "to http file");

    const auto root_lines = lines(path("root.log"));
    ASSERT_EQ(root_lines.size(), 2u);
    EXPECT_NE(root_lines[0].find("\tERROR\tserver\tserver error"), std::string::npos);
    EXPECT_NE(root_lines[1].find("\tINFO\trpc\trpc info"), std::string::npos);
}

TEST_F(LoggingTest, ChannelsSharingAFileDoNotClobberEachOther) {
    LoggingOptions o;
    o.root.output = {path("shared.log")};
    ChannelOverride http;
    http.encoding = Encoding::kJson;
    o.channels["http"] = http;
    Logging logging(o);
    for (int i = 0; i < 3; ++i) {
        info(*logging.get("http"), "json", {{"i", i}});
        info(*logging.get("server"), "console", {{"i", i}});
    }
    const auto got = lines(path("shared.log"));
    ASSERT_EQ(got.size(), 6u);
    EXPECT_EQ(nlohmann::json::parse(got[4])["i"], 2);
    EXPECT_NE(got[5].find("console\ti=2"), std::string::npos);
}

TEST_F(LoggingTest, OffModeDiscards) {
    LoggingOptions o;
    o.root.mode = Mode::kOff;
    o.root.output = {path("never.log")};
    Logging logging(o);
    error(*logging.get("http"), "nothing");
    EXPECT_FALSE(fs::exists(path("never.log")));
}

TEST_F(LoggingTest, FileLoggerOptionsWriteJsonToTheRotatingFile) {
    LoggingOptions o;
    o.root.file = FileRotation{path("rotating.log"), 1, 2};
    Logging logging(o);
    info(*logging.get("http"), "rotated", {{"k", "v"}});
    const auto got = lines(path("rotating.log"));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(got[0])["k"], "v");
}

TEST_F(LoggingTest, UnopenableOutputThrowsNamingIt) {
    std::ofstream(path("plain")) << "a regular file, not a directory";
    LoggingOptions o;
    o.root.output = {path("plain/x.log")};
    try {
        Logging logging(o);
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("plain/x.log"), std::string::npos) << e.what();
    }
}

TEST_F(LoggingTest, GetReturnsTheSameLoggerForAName) {
    auto logging = Logging::discard();
    EXPECT_EQ(logging->get("http"), logging->get("http"));
    EXPECT_NE(logging->get("http"), logging->get("rpc"));
}

}  // namespace
}  // namespace rr::logging
