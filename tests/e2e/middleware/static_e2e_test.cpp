// The static middleware end to end: files served without PHP (the worker counts requests),
// every conditional and range path, traversal vectors, and what the access log shows.

#include <gtest/gtest.h>

#include "e2e/middleware/middleware_fixture.h"

namespace rr::e2e {
namespace {

class StaticE2E : public MiddlewareE2E {
protected:
    void SetUp() override {
        MiddlewareE2E::SetUp();
        write_file(public_dir() / "css/site.css", "body { color: red; }\n");
        write_file(public_dir() / "digits.txt", "0123456789");
        write_file(public_dir() / "index.php", "<?php echo 'source';");
        write_file(dir_ / "secret.txt", "TOP-SECRET");
        write_file(dir_ / "private/secret.txt", "TOP-SECRET");
        fs::create_symlink(dir_ / "secret.txt", public_dir() / "link-out.txt");
        fs::create_directory_symlink(dir_ / "private", public_dir() / "link-dir");
    }
    std::string static_yaml(const std::string& extra = "") const {
        return "  middleware: [static]\n  static:\n    dir: \"" + public_dir().string() +
               "\"\n    forbid: [\".php\"]\n" + extra;
    }
};

TEST_F(StaticE2E, FilesAreServedWithoutPhpAndTheRestPassesOn) {
    ASSERT_NO_FATAL_FAILURE(start_with(static_yaml()));
    const int before = php_count();
    auto r = exchange(get("/css/site.css?v=2"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "body { color: red; }\n");
    EXPECT_EQ(r->header("Content-Type"), "text/css; charset=utf-8");
    EXPECT_EQ(r->header("Content-Length"), "21");
    EXPECT_EQ(r->header("Accept-Ranges"), "bytes");
    EXPECT_TRUE(r->header("Last-Modified"));
    RawClient head(port_);
    head.send("HEAD /digits.txt HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
    auto h = head.read_response(kTimeout, /*head_only=*/true);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->header("Content-Length"), "10");
    EXPECT_EQ(php_count(), before + 1) << "static hits must not reach PHP";

    for (const char* target : {"/missing.css", "/index.php", "/css/", "/noext"}) {
        auto p = exchange(get(target));
        ASSERT_TRUE(p) << target;
        EXPECT_EQ(p->body,
                  std::string("php:") + (std::string(target) == "/css/" ? "/css/" : target))
            << target;
    }
    auto post =
        exchange("POST /digits.txt HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 0\r\n\r\n");
    ASSERT_TRUE(post);
    EXPECT_EQ(post->body, "php:/digits.txt");
}

TEST_F(StaticE2E, ConditionalRequests) {
    ASSERT_NO_FATAL_FAILURE(start_with(static_yaml("    calculate_etag: true\n")));
    auto first = exchange(get("/digits.txt"));
    ASSERT_TRUE(first);
    const std::string etag = first->header("Etag").value_or("");
    const std::string last_modified = first->header("Last-Modified").value_or("");
    ASSERT_FALSE(etag.empty());
    ASSERT_FALSE(last_modified.empty());
    const int before = php_count();

    auto inm = exchange(get("/digits.txt", "If-None-Match: " + etag + "\r\n"));
    ASSERT_TRUE(inm);
    EXPECT_EQ(inm->status, 304);
    EXPECT_EQ(inm->body, "");
    EXPECT_EQ(inm->header("Etag"), etag);
    auto weak = exchange(get("/digits.txt", "If-None-Match: \"x\", W/" + etag + "\r\n"));
    EXPECT_EQ(weak->status, 304);
    auto ims = exchange(get("/digits.txt", "If-Modified-Since: " + last_modified + "\r\n"));
    EXPECT_EQ(ims->status, 304);
    auto changed = exchange(get("/digits.txt", "If-None-Match: \"other\"\r\n"));
    EXPECT_EQ(changed->status, 200);
    EXPECT_EQ(changed->body, "0123456789");
    auto im = exchange(get("/digits.txt", "If-Match: \"other\"\r\n"));
    EXPECT_EQ(im->status, 412);
    auto ius =
        exchange(get("/digits.txt", "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
    EXPECT_EQ(ius->status, 412);
    EXPECT_EQ(php_count(), before + 1);
}

TEST_F(StaticE2E, RangeRequests) {
    ASSERT_NO_FATAL_FAILURE(start_with(static_yaml("    calculate_etag: true\n")));
    auto single = exchange(get("/digits.txt", "Range: bytes=2-4\r\n"));
    ASSERT_TRUE(single);
    EXPECT_EQ(single->status, 206);
    EXPECT_EQ(single->body, "234");
    EXPECT_EQ(single->header("Content-Range"), "bytes 2-4/10");
    EXPECT_EQ(exchange(get("/digits.txt", "Range: bytes=-3\r\n"))->body, "789");
    EXPECT_EQ(exchange(get("/digits.txt", "Range: bytes=7-\r\n"))->body, "789");

    auto multi = exchange(get("/digits.txt", "Range: bytes=0-0,5-6\r\n"));
    ASSERT_TRUE(multi);
    EXPECT_EQ(multi->status, 206);
    const std::string ctype = multi->header("Content-Type").value_or("");
    ASSERT_EQ(ctype.rfind("multipart/byteranges; boundary=", 0), 0u) << ctype;
    const std::string b = ctype.substr(ctype.find('=') + 1);
    EXPECT_EQ(multi->body, "--" + b +
                               "\r\nContent-Range: bytes 0-0/10\r\nContent-Type: text/plain; "
                               "charset=utf-8\r\n\r\n0\r\n--" +
                               b +
                               "\r\nContent-Range: bytes 5-6/10\r\nContent-Type: text/plain; "
                               "charset=utf-8\r\n\r\n56\r\n--" +
                               b + "--\r\n");

    auto beyond = exchange(get("/digits.txt", "Range: bytes=20-30\r\n"));
    EXPECT_EQ(beyond->status, 416);
    EXPECT_EQ(beyond->header("Content-Range"), "bytes */10");
    auto malformed = exchange(get("/digits.txt", "Range: bytes=5-1\r\n"));
    EXPECT_EQ(malformed->status, 416);
    auto stale = exchange(get("/digits.txt", "Range: bytes=0-1\r\nIf-Range: \"stale\"\r\n"));
    EXPECT_EQ(stale->status, 200);
    EXPECT_EQ(stale->body, "0123456789");
    const std::string etag = stale->header("Etag").value_or("");
    auto fresh = exchange(get("/digits.txt", "Range: bytes=0-1\r\nIf-Range: " + etag + "\r\n"));
    EXPECT_EQ(fresh->status, 206);
    EXPECT_EQ(fresh->body, "01");
}

TEST_F(StaticE2E, NoTraversalVectorReadsOutsideTheDirectory) {
    ASSERT_NO_FATAL_FAILURE(start_with(static_yaml("    symlinks: inside\n")));
    const std::vector<std::string> forbidden = {
        "/../secret.txt",       "/%2e%2e/secret.txt",    "/%2E%2E%2Fsecret.txt",
        "/.%2e/secret.txt",     "/css/../../secret.txt", "/..%5csecret.txt",
        "/%2e%2e%5csecret.txt", "//../secret.txt",       "/css/%2e%2e/%2e%2e/secret.txt",
        "/..;/secret.txt",      "/.%0d./secret.txt",     "/.%0a./private/secret.txt",
    };
    for (const auto& target : forbidden) {
        auto r = exchange(get(target));
        if (!r) continue;  // refused by the parser and closed: nothing served either
        EXPECT_TRUE(r->status == 403 || r->status == 400) << target << " → " << r->status;
        EXPECT_EQ(r->body.find("TOP-SECRET"), std::string::npos) << target;
    }
    const std::vector<std::string> others = {
        "/%252e%252e/secret.txt",  // decoded once: a file literally named "%2e%2e"
        "/%00/secret.txt",
        "/secret.txt%00.css",
        "/link-out.txt",
        "/link-dir/secret.txt",
        "http://" + host() + "/../secret.txt",
        "/\\secret.txt",
        "/%5c..%5csecret.txt",
    };
    for (const auto& target : others) {
        auto r = exchange(get(target));
        if (!r) continue;
        EXPECT_EQ(r->body.find("TOP-SECRET"), std::string::npos) << target << " → " << r->status;
    }
}

TEST_F(StaticE2E, AccessLogShowsOnlyWhatReachedPhpAndUnknownNamesWarn) {
    ASSERT_NO_FATAL_FAILURE(
        start_with("  middleware: [static, no-such-mw]\n  static:\n    dir: \"" +
                   public_dir().string() + "\"\n"));
    EXPECT_NE(rr_->err().find("requested middleware does not exist"), std::string::npos);
    EXPECT_NE(rr_->err().find("no-such-mw"), std::string::npos);
    ASSERT_TRUE(exchange(get("/digits.txt")));
    ASSERT_TRUE(exchange(get("/dynamic-page")));
    ASSERT_TRUE(rr_->wait_for("/dynamic-page", kTimeout, /*on_stderr=*/true));
    EXPECT_EQ(rr_->err().find("/digits.txt"), std::string::npos)
        << "a static hit is not in the access log (as upstream)";
}

}  // namespace
}  // namespace rr::e2e
