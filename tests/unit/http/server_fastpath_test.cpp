// The request path's shortcuts keep the observable behaviour: a response the socket cannot take
// at once is finished asynchronously, the view-based send_response writes the same head as the
// Fields one, and the per-connection scratch a handler reuses starts clean for every request.
#include <chrono>
#include <string>
#include <vector>

#include "http/request_context.h"
#include "protocol/http_payload.h"
#include "test_support.h"

namespace rr::http::test {
namespace {

class HttpFastPath : public ServerWithHandler {};

/// The head without its Date line (the only part that may differ between two responses).
std::string without_date(const std::string& head) {
    std::string out;
    std::size_t pos = 0;
    while (pos < head.size()) {
        auto eol = head.find("\r\n", pos);
        if (eol == std::string::npos) eol = head.size();
        auto line = head.substr(pos, eol - pos);
        if (line.rfind("Date: ", 0) != 0) out += line + "\n";
        pos = eol + 2;
    }
    return out;
}

TEST_F(HttpFastPath, ResponseLargerThanTheSocketTakesAtOnceArrivesWhole) {
    // Several MiB: the first non-blocking send takes only part; the rest must follow.
    std::string big(8 << 20, 'x');
    for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.send_response(200, Fields{}, big);
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.size(), big.size());
    EXPECT_TRUE(r.body == big);
    // The connection is still usable afterwards.
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().body.size(), big.size());
    // on_complete runs after the response is written: the second response orders the first.
    auto done = server_->handler().completions();
    ASSERT_GE(done.size(), 1u);
    EXPECT_GT(done[0].bytes_written, big.size());
}

TEST_F(HttpFastPath, LargeStreamedChunksArriveWhole) {
    std::string chunk(3 << 20, 'y');
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.start_stream(200, Fields{}, "first");
        co_await w.send_chunk(chunk);
        co_await w.send_chunk(chunk);
        co_await w.finish_stream(Fields{});
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_TRUE(r.chunked);
    EXPECT_EQ(r.body, "first" + chunk + chunk);
}

TEST_F(HttpFastPath, ViewHeadersGiveTheSameResponseAsFields) {
    // Names/values as a worker's decoded head would hold them, including ones the connection
    // must drop or fix (framing headers, CR/LF in a value, a non-token name).
    const std::vector<std::string> storage{"Content-Type",   "text/plain; charset=utf-8",
                                           "X-Many",         "one",
                                           "X-Many",         "two",
                                           "Content-Length", "999",
                                           "X-Evil",         "a\r\nInjected: yes",
                                           "Bad Name",       "v"};
    std::vector<protocol::HttpField> views;
    Fields fields;
    for (std::size_t i = 0; i < storage.size(); i += 2) {
        views.push_back({storage[i], storage[i + 1]});
        fields.add(storage[i], storage[i + 1]);
    }
    start([&](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
        if (req.target() == "/views") {
            co_await w.send_response(201, std::span<const protocol::HttpField>(views), "body");
        } else {
            co_await w.send_response(201, fields, "body");
        }
    });
    Client c(port());
    c.send("GET /views HTTP/1.1\r\nHost: x\r\n\r\n");
    auto a = c.read_response();
    c.send("GET /fields HTTP/1.1\r\nHost: x\r\n\r\n");
    auto b = c.read_response();
    EXPECT_EQ(a.status, 201);
    EXPECT_EQ(a.body, "body");
    EXPECT_EQ(a.fields["content-length"], "4");
    EXPECT_EQ(a.fields.count("injected"), 0u);
    EXPECT_EQ(without_date(a.head), without_date(b.head));
    EXPECT_EQ(a.body, b.body);
}

TEST_F(HttpFastPath, ViewHeadersWithTrailerGoChunkedLikeFields) {
    const std::string trailer = "Trailer";
    const std::string names = "X-Checksum";
    const std::string sum = "abc";
    const std::vector<protocol::HttpField> views{{trailer, names}, {names, sum}};
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.send_response(200, std::span<const protocol::HttpField>(views), "data");
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_TRUE(r.chunked);
    EXPECT_EQ(r.body, "data");
    EXPECT_EQ(r.fields.count("x-checksum"), 0u);  // held back from the head
    EXPECT_EQ(r.trailers, "X-Checksum: abc\r\n");
}

TEST_F(HttpFastPath, ScratchIsLentPerConnectionAndMappedFreshForEachRequest) {
    std::vector<std::string> uris;
    std::vector<const RequestScratch*> seen;
    start([&](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
        RequestScratch* scratch = req.scratch();
        if (scratch == nullptr) {
            co_await w.send_response(500, Fields{}, "no scratch");
            co_return;
        }
        seen.push_back(scratch);
        req.map(scratch->mapped);
        scratch->view.assign(scratch->mapped);
        scratch->context.clear();
        protocol::encode_request_json(scratch->view.context(), scratch->context);
        uris.push_back(scratch->mapped.uri + " q=" + scratch->mapped.raw_query +
                       " h=" + std::to_string(scratch->mapped.headers.size()));
        co_await w.send_response(200, Fields{}, scratch->context);
    });
    Client c(port());
    c.send(
        "GET /a/long/path/that/is/not/small?x=1 HTTP/1.1\r\nHost: example.org\r\n"
        "X-One: 1\r\nX-Two: 2\r\n\r\n");
    auto first = c.read_response();
    c.send("GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
    auto second = c.read_response();
    ASSERT_EQ(uris.size(), 2u);
    EXPECT_EQ(uris[0], "http://example.org/a/long/path/that/is/not/small?x=1 q=x=1 h=2");
    EXPECT_EQ(uris[1], "http://h/b q= h=0");
    EXPECT_EQ(seen[0], seen[1]);                              // one scratch per connection
    EXPECT_EQ(second.body.find("X-One"), std::string::npos);  // nothing left from request 1
    EXPECT_NE(second.body.find("\"uri\":\"http://h/b\""), std::string::npos);
    EXPECT_NE(first.body.find("\"X-Two\":[\"2\"]"), std::string::npos);

    Client other(port());
    other.send("GET /c HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(other.read_response().status, 200);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_NE(seen[2], seen[0]);
}

TEST_F(HttpFastPath, ReusedHeadCarriesNothingOverIntoTheNextRequest) {
    std::vector<std::string> seen;
    start([&](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
        std::string line = std::string(req.method()) + " " + std::string(req.target()) + " " +
                           req.protocol() + " host=" + std::string(req.host());
        for (const auto& f : req.headers()) line += " " + f.name + "=" + f.value;
        line += req.has_body() ? " body" : " nobody";
        seen.push_back(line);
        std::string body;
        co_await req.read_body(body);
        co_await w.send_response(200, Fields{}, body);
    });
    Client c(port());
    c.send(
        "POST /first/with/a/longer/target HTTP/1.1\r\nHost: first.example\r\n"
        "X-A-Rather-Long-Header-Name: a value longer than fifteen bytes\r\nX-B: 2\r\n"
        "Content-Length: 3\r\n\r\nabc");
    EXPECT_EQ(c.read_response().body, "abc");
    c.send("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0],
              "POST /first/with/a/longer/target HTTP/1.1 host=first.example Host=first.example"
              " X-A-Rather-Long-Header-Name=a value longer than fifteen bytes X-B=2"
              " Content-Length=3 body");
    EXPECT_EQ(seen[1], "GET /2 HTTP/1.1 host=h Host=h nobody");
}

TEST_F(HttpFastPath, CompletionCarriesTheWallClockStartAndElapsedTime) {
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        co_await w.send_response(200, Fields{}, "ok");
    });
    const auto before = std::chrono::system_clock::now();
    Client c(port());
    // Four requests: on_complete runs after the response is written, so the fourth response
    // orders the first three.
    for (int i = 0; i < 4; ++i) {
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(c.read_response().status, 200);
    }
    const auto after = std::chrono::system_clock::now();
    auto done = server_->handler().completions();
    ASSERT_GE(done.size(), 3u);
    done.resize(3);
    for (const auto& d : done) {
        // The wall clock comes from a steady→system offset refreshed once per second.
        EXPECT_GE(d.start, before - std::chrono::milliseconds(50));
        EXPECT_LE(d.start, after + std::chrono::milliseconds(50));
        EXPECT_GE(d.elapsed.count(), 0);
    }
    EXPECT_LE(done[0].start, done[1].start + std::chrono::milliseconds(1));
    EXPECT_LE(done[1].start, done[2].start + std::chrono::milliseconds(1));
}

}  // namespace
}  // namespace rr::http::test
