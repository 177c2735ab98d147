// The sendfile middleware with FakeWriter: X-Sendfile replaced by the file (zero-copy
// send_file), refusals with upstream's statuses, the optional root, and that everything else
// (1xx, streams) passes through unbuffered.

#include "plugins/sendfile/sendfile.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "config/config.h"
#include "plugins/sendfile/config.h"
#include "support/fake_writer.h"

namespace rr::plugins {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
using rr::test::FakeRequest;
using rr::test::FakeWriter;
using rr::test::run_sync;
using Kind = rr::test::WriterEvent::Kind;

/// An application written as a lambda over the writer.
class LambdaApp final : public http::Handler {
public:
    std::function<asio::awaitable<void>(http::ResponseWriter&)> fn;
    asio::awaitable<void> handle(http::Request&, http::ResponseWriter& w) override {
        co_await fn(w);
    }
};

class SendfileTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-sendfile-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        fs::create_directories(dir_ / "files");
        std::ofstream(dir_ / "files/report.pdf") << "%PDF-1.4 fake";
        std::ofstream(dir_ / "secret.txt") << "secret";
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    /// The app answers `status` with `headers` and body "php-body".
    FakeWriter respond(int status, http::Fields headers, const std::string& method = "GET") {
        app_.fn = [status, headers](http::ResponseWriter& w) -> asio::awaitable<void> {
            co_await w.send_response(status, headers, "php-body");
        };
        return run(method);
    }
    FakeWriter run(const std::string& method = "GET") {
        auto mw = std::make_shared<Sendfile>(
            cfg_, std::make_shared<spdlog::logger>(
                      "sendfile", std::make_shared<spdlog::sinks::null_sink_mt>()));
        http::MiddlewareChain chain({mw}, app_);
        FakeRequest r(method, "/download");
        FakeWriter w;
        w.head_request = method == "HEAD";
        run_sync([&] { return chain.handle(r.request, w); });
        return w;
    }
    std::string path(const std::string& rel) const { return (dir_ / rel).string(); }

    fs::path dir_;
    SendfileConfig cfg_;
    LambdaApp app_;
};

TEST_F(SendfileTest, XSendfileIsReplacedByTheFile) {
    auto w = respond(201, {{"X-Sendfile", path("files/report.pdf")},
                           {"Content-Type", "application/pdf"},
                           {"Content-Disposition", "attachment; filename=r.pdf"},
                           {"Content-Length", "8"}});
    EXPECT_EQ(w.status(), 200);  // as upstream: PHP's status is not kept
    ASSERT_NE(w.final_head(), nullptr);
    EXPECT_EQ(w.final_head()->kind, Kind::kFile);
    EXPECT_EQ(w.body(), "%PDF-1.4 fake");
    EXPECT_FALSE(w.header("X-Sendfile"));
    EXPECT_FALSE(w.header("Content-Length"));  // the writer sets the file's length
    EXPECT_EQ(w.header("Content-Type"), "application/pdf");
    EXPECT_EQ(w.header("Content-Disposition"), "attachment; filename=r.pdf");
    auto untyped = respond(200, {{"X-Sendfile", path("files/report.pdf")}});
    EXPECT_EQ(untyped.header("Content-Type"), "application/octet-stream");
}

TEST_F(SendfileTest, RefusalsUseUpstreamsStatuses) {
    auto dots = respond(200, {{"X-Sendfile", path("files/../secret.txt")}});
    EXPECT_EQ(dots.status(), 403);
    EXPECT_EQ(dots.body(), "");
    auto missing = respond(200, {{"X-Sendfile", path("files/none.pdf")}});
    EXPECT_EQ(missing.status(), 404);
    EXPECT_EQ(missing.body(), "not found\n");
    EXPECT_EQ(respond(200, {{"X-Sendfile", path("files")}}).status(), 404);  // a directory
    if (::geteuid() != 0) {                                                  // root reads anything
        fs::permissions(dir_ / "secret.txt", fs::perms::none);
        EXPECT_EQ(respond(200, {{"X-Sendfile", path("secret.txt")}}).status(), 500);
    }
}

TEST_F(SendfileTest, RootRestrictsWhatAWorkerMayName) {
    cfg_.root = (dir_ / "files").string();
    fs::create_symlink(dir_ / "secret.txt", dir_ / "files/leak.txt");
    EXPECT_EQ(respond(200, {{"X-Sendfile", path("files/report.pdf")}}).body(), "%PDF-1.4 fake");
    EXPECT_EQ(respond(200, {{"X-Sendfile", "report.pdf"}}).body(), "%PDF-1.4 fake");  // relative
    EXPECT_EQ(respond(200, {{"X-Sendfile", path("secret.txt")}}).status(), 403);
    EXPECT_EQ(respond(200, {{"X-Sendfile", path("files-other/x")}}).status(), 403);
    EXPECT_EQ(respond(200, {{"X-Sendfile", path("files/leak.txt")}}).status(), 403);
}

TEST_F(SendfileTest, HeadGetsTheLengthOnly) {
    auto w = respond(200, {{"X-Sendfile", path("files/report.pdf")}}, "HEAD");
    EXPECT_EQ(w.status(), 200);
    EXPECT_EQ(w.final_head()->file.length, 13u);
    EXPECT_EQ(w.body(), "");
}

TEST_F(SendfileTest, InterimAndStreamedResponsesPassThroughUnbuffered) {
    app_.fn = [](http::ResponseWriter& w) -> asio::awaitable<void> {
        const http::Fields hints{{"Link", "</a.css>; rel=preload"}};
        const http::Fields head{{"Content-Type", "text/plain"}};
        co_await w.send_interim(103, hints);
        co_await w.start_stream(200, head, "one");
        co_await w.send_chunk("two");
        co_await w.finish_stream(http::Fields{});
    };
    auto w = run();
    ASSERT_EQ(w.events.size(), 4u);
    EXPECT_EQ(w.events[0].kind, Kind::kInterim);
    EXPECT_EQ(w.events[1].kind, Kind::kStreamStart);
    EXPECT_EQ(w.events[1].body, "one");
    EXPECT_EQ(w.events[2].kind, Kind::kChunk);
    EXPECT_EQ(w.events[2].body, "two");
    EXPECT_EQ(w.events[3].kind, Kind::kFinish);
}

TEST_F(SendfileTest, StreamWithXSendfileSendsTheFileAndDropsTheRest) {
    const std::string file = path("files/report.pdf");
    app_.fn = [file](http::ResponseWriter& w) -> asio::awaitable<void> {
        http::Fields head;
        head.add("X-Sendfile", file);
        EXPECT_FALSE(co_await w.start_stream(200, head, "ignored"));
        EXPECT_FALSE(co_await w.send_chunk("also ignored"));
        EXPECT_FALSE(co_await w.finish_stream(http::Fields{}));
    };
    auto w = run();
    EXPECT_EQ(w.events.size(), 1u);
    EXPECT_EQ(w.body(), "%PDF-1.4 fake");
    EXPECT_TRUE(w.complete());
}

TEST(SendfileConfig, RootMustExist) {
    const config::Config doc = config::parse_string(
        "version: '3'\nserver:\n  command: php w.php\nhttp:\n  sendfile:\n    root: "
        "/nonexistent-rr\n");
    config::Warnings warnings;
    const config::DecodeContext ctx{"", &warnings};
    try {
        (void)decode_sendfile_config(doc.section("http")->find_nocase("sendfile"), "http.sendfile",
                                     ctx);
        FAIL() << "expected ConfigError";
    } catch (const config::ConfigError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "http.sendfile.root: directory \"/nonexistent-rr\" does not exist");
    }
    EXPECT_TRUE(decode_sendfile_config(nullptr, "http.sendfile", ctx).root.empty());
}

}  // namespace
}  // namespace rr::plugins
