// E2E: safe retry (issue 15). A request whose worker dies before answering anything runs once
// more on another worker when its method is idempotent (http.retry: idempotent, the default),
// for every method with `retry: all`, never with `retry: off`, and never a second time.
#include <fstream>
#include <string>

#include "e2e/http/rr_fixture.h"

namespace rr::e2e {
namespace {

std::string worker_path() {
    return (std::filesystem::path(RR_SOURCE_DIR) / "tests/e2e/resilience/php/crash.php").string();
}

std::size_t lines_in(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

class SafeRetry : public HttpE2E {
protected:
    void start_with(const std::string& retry) {
        ASSERT_NO_FATAL_FAILURE(
            start(Scenario()
                      .worker(worker_path())
                      .workers(2)
                      .http_extra(retry.empty() ? std::string() : "  retry: " + retry + "\n")));
    }

    std::string request(const std::string& method, const std::string& crash) const {
        return method + " /work HTTP/1.1\r\nHost: " + host() + "\r\nX-Crash: " + crash +
               "\r\nContent-Length: 4\r\n\r\nbody";
    }
};

TEST_F(SafeRetry, IdempotentRequestRunsAgainOnAnotherWorker) {
    ASSERT_NO_FATAL_FAILURE(start_with(""));
    for (const char* method : {"GET", "PUT", "DELETE"}) {
        const std::string marker = (dir_ / (std::string("once-") + method)).string();
        const auto r = exchange(request(method, "once:" + marker));
        ASSERT_TRUE(r) << method;
        EXPECT_EQ(r->status, 200) << method << " " << r->body;
        EXPECT_NE(r->body.find("body 4"), std::string::npos) << r->body;  // the body went again
    }
    EXPECT_TRUE(rr_->wait_for("runs once more on another worker", kTimeout, true)) << rr_->err();
}

TEST_F(SafeRetry, NonIdempotentRequestIsNotRunTwiceByDefault) {
    ASSERT_NO_FATAL_FAILURE(start_with(""));
    const auto r = exchange(request("POST", "once:" + (dir_ / "once-post").string()));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
}

TEST_F(SafeRetry, RetryAllRunsAPostAgain) {
    ASSERT_NO_FATAL_FAILURE(start_with("all"));
    const auto r = exchange(request("POST", "once:" + (dir_ / "once-post").string()));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(SafeRetry, NeverASecondRetry) {
    ASSERT_NO_FATAL_FAILURE(start_with(""));
    const auto count = dir_ / "attempts";
    const auto r = exchange(request("GET", "always:" + count.string()));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(lines_in(count), 2u);  // the first attempt and one retry
}

TEST_F(SafeRetry, OffMeansNoRetry) {
    ASSERT_NO_FATAL_FAILURE(start_with("off"));
    const auto count = dir_ / "attempts";
    const auto r = exchange(request("GET", "always:" + count.string()));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(lines_in(count), 1u);
}

}  // namespace
}  // namespace rr::e2e
