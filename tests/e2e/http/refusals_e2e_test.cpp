// E2E: requests rr refuses itself (BEHAVIOUR.md §3.6, docs/http.md "Refused requests"):
// 413, 431, 400, every request-smuggling shape, slow headers. None of them reaches PHP,
// which tests/e2e/http/php/dump.php proves with its request counter.
#include <nlohmann/json.hpp>

#include "e2e/http/rr_fixture.h"

namespace rr::e2e {
namespace {

using nlohmann::json;

class Refusals : public HttpE2E {
protected:
    /// Sends `raw` on a fresh connection and expects exactly one `status` response followed
    /// by the server closing the connection (nothing after it is served).
    void expect_refused(const std::string& raw, int status) {
        RawClient c(port_);
        c.send(raw);  // may fail half-way once rr has answered and closed
        const auto r = c.read_response(kTimeout);
        ASSERT_TRUE(r) << "no response; got: " << c.buffer();
        EXPECT_EQ(r->status, status) << r->body;
        EXPECT_EQ(r->header("Connection"), "close");
        EXPECT_TRUE(c.wait_closed(kTimeout)) << "connection left open";
        EXPECT_EQ(c.buffer(), "") << "a second response was sent";
        rr_->drain();
    }

    /// How many requests the single dump worker has served, counting this one.
    int served() {
        const auto r = exchange(get("/count"));
        EXPECT_TRUE(r);
        if (!r) return -1;
        return json::parse(r->body)["served"].get<int>();
    }
};

TEST_F(Refusals, BodyOverMaxRequestSizeGets413WithoutReachingPhp) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().http_extra("  max_request_size: 1\n")));
    const std::string post = "POST /big HTTP/1.1\r\nHost: " + host() + "\r\n";
    // Declared length over 1 MB: refused from the head, before any body byte is sent; with
    // Expect: 100-continue no "100 Continue" goes out first.
    expect_refused(post + "Content-Length: 1048577\r\n\r\n", 413);
    expect_refused(post + "Content-Length: 2000000\r\nExpect: 100-continue\r\n\r\n", 413);

    // A chunked body is counted as it arrives and refused one byte past the limit.
    {
        RawClient c(port_);
        ASSERT_TRUE(c.send(post + "Transfer-Encoding: chunked\r\n\r\n"));
        const std::string piece(64 * 1024, 'a');
        std::string chunk = "10000\r\n" + piece + "\r\n";
        for (int i = 0; i < 17 && c.send(chunk); ++i) {  // 17 * 64 KiB > 1 MiB
        }
        c.send("0\r\n\r\n");
        const auto r = c.read_response(kTimeout);
        ASSERT_TRUE(r) << c.buffer();
        EXPECT_EQ(r->status, 413);
        EXPECT_TRUE(c.wait_closed(kTimeout));
    }
    // Exactly at the limit is fine (PHP gets all of it).
    const std::string ok(1024 * 1024, 'b');
    const auto r =
        exchange(post + "Content-Type: text/plain\r\nContent-Length: " + std::to_string(ok.size()) +
                 "\r\n\r\n" + ok);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(served(), 2);  // only the request at the limit and this one reached PHP
}

TEST_F(Refusals, HeadOverMaxHeaderBytesGets431) {
    ASSERT_NO_FATAL_FAILURE(
        start(Scenario().http_extra("  limits:\n    max_header_bytes: 4096\n")));
    expect_refused(get("/h", "X-Big: " + std::string(8192, 'x') + "\r\n"), 431);
    expect_refused(get("/" + std::string(8192, 'u')), 431);
    // Just under the limit passes.
    const auto r = exchange(get("/h", "X-Fine: " + std::string(2048, 'x') + "\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(served(), 2);
}

TEST_F(Refusals, MalformedRequestsGet400) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    expect_refused("GARBAGE\r\n\r\n", 400);
    expect_refused("GET / HTTP/1.1\r\n\r\n", 400);                        // no Host
    expect_refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);  // two Hosts
    expect_refused("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400);          // bad escape
    expect_refused("GET / HTTP/1.1\r\nHost: a\r\nBad Name: v\r\n\r\n", 400);
    expect_refused(
        "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01"
        "b\r\n\r\n",
        400);  // CTL in value
    expect_refused("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505);
    // A broken multipart body is answered by rr (upstream [v6]: 400), not passed to PHP.
    const std::string broken = "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv";
    const auto r = exchange("POST / HTTP/1.1\r\nHost: " + host() +
                            "\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
                            "Content-Length: " +
                            std::to_string(broken.size()) + "\r\n\r\n" + broken);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    // A form request whose URL query Go's ParseForm rejects (`;`) fails as upstream; the same
    // query on a request without a form body is passed to PHP raw.
    const auto semi = exchange("POST /?a=1;b=2 HTTP/1.1\r\nHost: " + host() +
                               "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                               "Content-Length: 3\r\n\r\nc=3");
    ASSERT_TRUE(semi);
    EXPECT_EQ(semi->status, 400) << semi->body;
    const auto raw = exchange(get("/?a=1;b=2"));
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw->status, 200);
    EXPECT_EQ(served(), 2);
}

TEST_F(Refusals, EverySmugglingAttemptIsRefusedAndNothingBehindItIsServed) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    // Each attempt hides a second request that a front end reading the framing the other way
    // would forward; rr must answer the first with an error, close, and never serve the rest.
    const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
    const std::string post = "POST / HTTP/1.1\r\nHost: a\r\n";
    struct Attempt {
        const char* what;
        std::string request;
        int status;
    };
    const std::vector<Attempt> attempts = {
        {"CL.TE", post + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"TE.CL",
         post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n1\r\nZ\r\n0\r\n\r\n", 400},
        {"differing Content-Length", post + "Content-Length: 0\r\nContent-Length: 44\r\n\r\n", 400},
        {"Content-Length list", post + "Content-Length: 0, 44\r\n\r\n", 400},
        {"signed Content-Length", post + "Content-Length: +0\r\n\r\n", 400},
        {"TE not ending in chunked", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
         400},
        {"TE with another coding", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400},
        {"TE repeated",
         post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"TE unknown", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 501},
        {"TE on HTTP/1.0",
         "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"space before colon", post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400},
        {"obs-fold", post + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400},
        {"bare LF in head", "POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n0\r\n\r\n",
         400},
        {"bare CR in head", post + "X: a\rTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"chunk size with 0x", post + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
         400},
        {"negative chunk size", post + "Transfer-Encoding: chunked\r\n\r\n-1\r\n0\r\n\r\n", 400},
        {"chunk size overflow",
         post + "Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n", 400},
        {"chunk data without CRLF",
         post + "Transfer-Encoding: chunked\r\n\r\n3\r\nhelloXX\r\n0\r\n\r\n", 400},
        {"LF-only chunk line", post + "Transfer-Encoding: chunked\r\n\r\n0\n\n", 400},
    };
    for (const auto& a : attempts) {
        SCOPED_TRACE(a.what);
        ASSERT_NO_FATAL_FAILURE(expect_refused(a.request + smuggled, a.status));
    }
    EXPECT_EQ(served(), 1);  // none of the attempts (nor what they hid) reached PHP
}

TEST_F(Refusals, SlowHeadersTimeOutWith408WhileOtherClientsAreServed) {
    ASSERT_NO_FATAL_FAILURE(
        start(Scenario().http_extra("  limits:\n    read_header_timeout: 1s\n")));
    RawClient slow(port_);
    const auto t0 = Clock::now();
    ASSERT_TRUE(slow.send("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: "));

    // Another client is not held up by the slow one.
    const auto other = exchange(get("/other"));
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 200);

    const auto r = slow.read_response(kTimeout);
    const auto waited = Clock::now() - t0;
    ASSERT_TRUE(r) << slow.buffer();
    EXPECT_EQ(r->status, 408);
    EXPECT_TRUE(slow.wait_closed(kTimeout));
    EXPECT_GE(waited, std::chrono::milliseconds(900));
    EXPECT_LT(waited, std::chrono::milliseconds(15000));
    EXPECT_EQ(served(), 2);
}

}  // namespace
}  // namespace rr::e2e
