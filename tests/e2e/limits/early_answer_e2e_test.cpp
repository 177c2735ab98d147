// E2E: an error answered from the head reaches a client that is still sending its body
// (issue 15, lingering close). Python's http.client posts 28 MB against max_request_size: 1;
// rr answers 413 at once and keeps reading (bounded) before it closes, so the client reads
// the 413 instead of losing it to a connection reset. http.client may still see its upload cut
// (BrokenPipeError/ConnectionResetError from request(): rr stops reading after its linger
// bound); what matters is that getresponse() then returns the 413.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "e2e/http/rr_fixture.h"

namespace rr::e2e {
namespace {

struct Command {
    int status = -1;
    std::string output;
};

Command run(const std::string& command) {
    Command r;
    FILE* p = ::popen(("timeout 60 " + command + " 2>&1").c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
    const int status = ::pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

constexpr const char* kPost = R"PY(
import http.client, sys
body = b"a=" + b"x" * (28 << 20)
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=20)
sent = "sent"
try:
    c.request("POST", "/form", body=body,
              headers={"Content-Type": "application/x-www-form-urlencoded"})
except (BrokenPipeError, ConnectionResetError) as e:
    sent = type(e).__name__
try:
    r = c.getresponse()
    print(sent, r.status, r.read().decode())
except Exception as e:
    print(sent, "no answer:", type(e).__name__, e)
)PY";

class EarlyAnswer : public HttpE2E {
protected:
    void SetUp() override {
        HttpE2E::SetUp();
        const auto worker =
            std::filesystem::path(RR_SOURCE_DIR) / "tests/e2e/limits/php/form_size.php";
        ASSERT_NO_FATAL_FAILURE(
            start(Scenario().worker(worker.string()).http_extra("  max_request_size: 1\n")));
        std::ofstream(dir_ / "post.py") << kPost;
    }
};

TEST_F(EarlyAnswer, PythonHttpClientPosting28MegabytesReadsThe413) {
    if (run("python3 -c 'import http.client'").status != 0) {
        GTEST_SKIP() << "python3 is missing";
    }
    for (int i = 0; i < 3; ++i) {  // the race this guards against does not show every time
        const auto r = run("python3 " + (dir_ / "post.py").string() + " " + std::to_string(port_));
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find(" 413 "), std::string::npos) << "attempt " << i << ": " << r.output;
    }
    // The connection was closed politely: the server still answers.
    const auto after = exchange(get("/"));
    ASSERT_TRUE(after);
}

}  // namespace
}  // namespace rr::e2e
