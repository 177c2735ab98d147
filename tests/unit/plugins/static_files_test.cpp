// The static middleware against a temp directory, with FakeWriter (no sockets): what is served
// and what passes on, validators and 304/412, ranges, symlink policies, FIFOs.

#include "plugins/static/static_files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "http/status.h"
#include "plugins/static/etag.h"
#include "support/fake_writer.h"

namespace rr::plugins {
namespace {

namespace fs = std::filesystem;
using rr::test::FakeRequest;
using rr::test::FakeWriter;
using rr::test::RecordingApp;
using rr::test::run_sync;
using Kind = rr::test::WriterEvent::Kind;

std::shared_ptr<spdlog::logger> null_logger() {
    return std::make_shared<spdlog::logger>("static",
                                            std::make_shared<spdlog::sinks::null_sink_mt>());
}

class StaticFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "rr-static-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        base_ = tmpl;
        root_ = base_ / "public";
        fs::create_directories(root_ / "css");
        write("css/site.css", "body { color: red; }\n");
        write("hello.txt", "0123456789");
        write("secret.php", "<?php echo 1;");
        write("blob.unknownext", std::string("\x01\x02\x03", 3));
        write("empty.txt", "");
        fs::create_directories(root_ / "dir.d");
        std::ofstream(base_ / "outside.txt") << "outside";
        cfg_.dir = root_.string();
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(base_, ec);
    }

    void write(const std::string& rel, const std::string& content) {
        std::ofstream(root_ / rel, std::ios::binary) << content;
    }

    /// Runs one request through StaticFiles → RecordingApp.
    FakeWriter run(const std::string& method, const std::string& target, http::Fields fields = {}) {
        if (!files_) files_ = std::make_shared<StaticFiles>(cfg_, null_logger());
        http::MiddlewareChain chain({files_}, app_);
        FakeRequest r(method, target, std::move(fields));
        FakeWriter w;
        w.head_request = method == "HEAD";
        run_sync([&] { return chain.handle(r.request, w); });
        return w;
    }

    fs::path base_;
    fs::path root_;
    StaticConfig cfg_;
    std::shared_ptr<StaticFiles> files_;
    RecordingApp app_;
};

TEST_F(StaticFilesTest, ServesAnExistingFileWithoutTheApp) {
    auto w = run("GET", "/css/site.css?v=1");
    EXPECT_EQ(app_.calls, 0);
    EXPECT_EQ(w.status(), 200);
    ASSERT_NE(w.final_head(), nullptr);
    EXPECT_EQ(w.final_head()->kind, Kind::kFile);  // zero-copy path on plain TCP
    EXPECT_EQ(w.body(), "body { color: red; }\n");
    EXPECT_EQ(w.header("Content-Type"), "text/css; charset=utf-8");
    EXPECT_EQ(w.header("Accept-Ranges"), "bytes");
    struct stat st {};
    ::stat((root_ / "css/site.css").c_str(), &st);
    EXPECT_EQ(w.header("Last-Modified"), http::http_date(st.st_mtim.tv_sec));
    EXPECT_FALSE(w.header("Etag"));
}

TEST_F(StaticFilesTest, HeadGetsTheHeadOnly) {
    auto w = run("HEAD", "/hello.txt");
    EXPECT_EQ(w.status(), 200);
    EXPECT_EQ(w.final_head()->file.length, 10u);
    EXPECT_EQ(w.body(), "");
}

TEST_F(StaticFilesTest, EverythingElsePassesOnToTheApp) {
    for (const char* target :
         {"/missing.css", "/dir.d", "/dir.d/", "/hello", "/secret.php.bak", "/%00.txt"}) {
        app_.calls = 0;
        auto w = run("GET", target);
        EXPECT_EQ(app_.calls, 1) << target;
        EXPECT_EQ(w.body(), "from-app") << target;
    }
    app_.calls = 0;
    run("POST", "/hello.txt");
    EXPECT_EQ(app_.calls, 1) << "other methods go to PHP";
    cfg_.forbid = {".php"};
    files_.reset();
    app_.calls = 0;
    run("GET", "/secret.php");
    EXPECT_EQ(app_.calls, 1) << "forbidden extension";
    cfg_.forbid = {};
    cfg_.allow = {".css"};
    files_.reset();
    app_.calls = 0;
    run("GET", "/hello.txt");
    EXPECT_EQ(app_.calls, 1) << "not in allow";
    run("GET", "/css/site.css");
    EXPECT_EQ(app_.calls, 1);
}

TEST_F(StaticFilesTest, DotDotIsForbidden) {
    for (const char* target : {"/../outside.txt", "/css/%2e%2e/%2e%2e/outside.txt", "/a..b.txt"}) {
        auto w = run("GET", target);
        EXPECT_EQ(w.status(), 403) << target;
        EXPECT_EQ(w.body(), "");
    }
    EXPECT_EQ(app_.calls, 0);
}

TEST_F(StaticFilesTest, UnknownExtensionIsSniffedAndResponseHeadersAreSet) {
    cfg_.response = {{"X-Static", "1"}, {"Cache-Control", "max-age=60"}};
    auto w = run("GET", "/blob.unknownext");
    EXPECT_EQ(w.header("Content-Type"), "application/octet-stream");
    EXPECT_EQ(w.header("X-Static"), "1");
    EXPECT_EQ(w.header("Cache-Control"), "max-age=60");
    cfg_.response = {{"Content-Type", "text/x-custom"}};
    files_.reset();
    EXPECT_EQ(run("GET", "/hello.txt").header("Content-Type"), "text/x-custom");
}

TEST_F(StaticFilesTest, StrongEtagIsComputedOnceAndAfterAChange) {
    cfg_.calculate_etag = true;
    auto w = run("GET", "/hello.txt");
    const std::string etag = strong_etag(10, etag_crc32(0, "0123456789"));
    EXPECT_EQ(w.header("Etag"), etag);
    run("GET", "/hello.txt");
    EXPECT_EQ(files_->etag_computations(), 1u);

    auto not_modified = run("GET", "/hello.txt", {{"If-None-Match", etag}});
    EXPECT_EQ(not_modified.status(), 304);
    EXPECT_EQ(not_modified.header("Etag"), etag);
    EXPECT_FALSE(not_modified.header("Last-Modified"));  // Go drops it when an ETag is sent
    EXPECT_FALSE(not_modified.header("Content-Type"));
    EXPECT_EQ(not_modified.body(), "");

    // A change of content (and mtime) gives a new tag.
    write("hello.txt", "abcdefghij");
    const timespec times[2] = {{0, UTIME_OMIT}, {1700000000, 0}};
    ::utimensat(AT_FDCWD, (root_ / "hello.txt").c_str(), times, 0);
    auto changed = run("GET", "/hello.txt", {{"If-None-Match", etag}});
    EXPECT_EQ(changed.status(), 200);
    EXPECT_EQ(changed.header("Etag"), strong_etag(10, etag_crc32(0, "abcdefghij")));
    EXPECT_EQ(files_->etag_computations(), 2u);
    // No strong tag for an empty file (as upstream).
    EXPECT_FALSE(run("GET", "/empty.txt").header("Etag"));
}

TEST_F(StaticFilesTest, WeakEtagHashesTheFileName) {
    cfg_.calculate_etag = true;
    cfg_.weak = true;
    auto w = run("GET", "/css/site.css");
    EXPECT_EQ(w.header("Etag"), weak_etag("site.css"));
    EXPECT_EQ(run("GET", "/css/site.css", {{"If-None-Match", weak_etag("site.css")}}).status(),
              304);
}

TEST_F(StaticFilesTest, ModifiedSinceAndPreconditions) {
    auto first = run("GET", "/hello.txt");
    const std::string last_modified = *first.header("Last-Modified");
    auto w = run("GET", "/hello.txt", {{"If-Modified-Since", last_modified}});
    EXPECT_EQ(w.status(), 304);
    EXPECT_EQ(w.header("Last-Modified"), last_modified);
    EXPECT_EQ(run("GET", "/hello.txt", {{"If-Match", "\"nope\""}}).status(), 412);
    EXPECT_EQ(run("GET", "/hello.txt", {{"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}})
                  .status(),
              412);
    EXPECT_EQ(app_.calls, 0);
}

TEST_F(StaticFilesTest, SingleRangeIs206WithContentRange) {
    auto w = run("GET", "/hello.txt", {{"Range", "bytes=2-5"}});
    EXPECT_EQ(w.status(), 206);
    EXPECT_EQ(w.header("Content-Range"), "bytes 2-5/10");
    EXPECT_EQ(w.body(), "2345");
    EXPECT_EQ(w.final_head()->kind, Kind::kFile);
    EXPECT_EQ(run("GET", "/hello.txt", {{"Range", "bytes=-3"}}).body(), "789");
}

TEST_F(StaticFilesTest, SeveralRangesAreMultipart) {
    auto w = run("GET", "/hello.txt", {{"Range", "bytes=0-1,8-"}});
    EXPECT_EQ(w.status(), 206);
    const std::string ctype = *w.header("Content-Type");
    ASSERT_EQ(ctype.rfind("multipart/byteranges; boundary=", 0), 0u) << ctype;
    const std::string boundary = ctype.substr(ctype.find('=') + 1);
    EXPECT_EQ(boundary.size(), 60u);
    const std::string expected = "--" + boundary +
                                 "\r\nContent-Range: bytes 0-1/10\r\nContent-Type: text/plain; "
                                 "charset=utf-8\r\n\r\n01\r\n--" +
                                 boundary +
                                 "\r\nContent-Range: bytes 8-9/10\r\nContent-Type: text/plain; "
                                 "charset=utf-8\r\n\r\n89\r\n--" +
                                 boundary + "--\r\n";
    EXPECT_EQ(w.body(), expected);
    EXPECT_EQ(w.header("Content-Length"), std::to_string(expected.size()));
    EXPECT_TRUE(w.complete());
}

TEST_F(StaticFilesTest, BadOrUnsatisfiableRangesAre416) {
    auto bad = run("GET", "/hello.txt", {{"Range", "bytes=5-1"}});
    EXPECT_EQ(bad.status(), 416);
    EXPECT_EQ(bad.body(), "invalid range\n");
    EXPECT_FALSE(bad.header("Content-Range"));
    auto beyond = run("GET", "/hello.txt", {{"Range", "bytes=50-"}});
    EXPECT_EQ(beyond.status(), 416);
    EXPECT_EQ(beyond.header("Content-Range"), "bytes */10");
    EXPECT_EQ(beyond.body(), "invalid range: failed to overlap\n");
    EXPECT_EQ(beyond.header("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(StaticFilesTest, IfRangeMismatchSendsTheWholeFile) {
    cfg_.calculate_etag = true;
    auto w = run("GET", "/hello.txt", {{"Range", "bytes=0-1"}, {"If-Range", "\"stale\""}});
    EXPECT_EQ(w.status(), 200);
    EXPECT_EQ(w.body(), "0123456789");
    const std::string etag = *w.header("Etag");
    auto partial = run("GET", "/hello.txt", {{"Range", "bytes=0-1"}, {"If-Range", etag}});
    EXPECT_EQ(partial.status(), 206);
    EXPECT_EQ(partial.body(), "01");
}

TEST_F(StaticFilesTest, SymlinkPolicies) {
    fs::create_symlink(base_ / "outside.txt", root_ / "out-link.txt");
    fs::create_symlink(root_ / "hello.txt", root_ / "in-link.txt");
    fs::create_directory_symlink(base_, root_ / "up.d");
    for (bool fallback : {false, true}) {
        SCOPED_TRACE(fallback ? "fallback" : "openat2");
        // follow (default): as upstream and nginx.
        cfg_.symlinks = SymlinkPolicy::kFollow;
        files_ = std::make_shared<StaticFiles>(cfg_, null_logger());
        files_->force_open_fallback(fallback);
        EXPECT_EQ(run("GET", "/out-link.txt").body(), "outside");
        EXPECT_EQ(run("GET", "/in-link.txt").body(), "0123456789");
        // inside: only links that stay below the root.
        cfg_.symlinks = SymlinkPolicy::kInside;
        files_ = std::make_shared<StaticFiles>(cfg_, null_logger());
        files_->force_open_fallback(fallback);
        EXPECT_EQ(run("GET", "/out-link.txt").body(), "from-app");
        EXPECT_EQ(run("GET", "/up.d/outside.txt").body(), "from-app");
        EXPECT_EQ(run("GET", "/in-link.txt").body(), "0123456789");
        // none: no link at all.
        cfg_.symlinks = SymlinkPolicy::kNone;
        files_ = std::make_shared<StaticFiles>(cfg_, null_logger());
        files_->force_open_fallback(fallback);
        EXPECT_EQ(run("GET", "/out-link.txt").body(), "from-app");
        EXPECT_EQ(run("GET", "/in-link.txt").body(), "from-app");
        EXPECT_EQ(run("GET", "/up.d/outside.txt").body(), "from-app");
        EXPECT_EQ(run("GET", "/css/site.css").status(), 200);
    }
}

TEST_F(StaticFilesTest, FifoUnderTheRootPassesOnWithoutBlocking) {
    ASSERT_EQ(::mkfifo((root_ / "pipe.txt").c_str(), 0600), 0);
    auto w = run("GET", "/pipe.txt");  // an open(2) without O_NONBLOCK would hang here
    EXPECT_EQ(w.body(), "from-app");
}

}  // namespace
}  // namespace rr::plugins
