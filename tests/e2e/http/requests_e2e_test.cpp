// E2E: what PHP sees of a request (BEHAVIOUR.md §3.1–3.4, PROTOCOL.md §4.4–4.5), checked by
// php/dump.php, which answers a JSON description of its PSR-7 request.
#include <fmt/format.h>

#include <boost/uuid/detail/sha1.hpp>
#include <nlohmann/json.hpp>

#include "e2e/http/rr_fixture.h"

namespace rr::e2e {
namespace {

using nlohmann::json;

std::string sha1_hex(std::string_view data) {
    boost::uuids::detail::sha1 h;
    h.process_bytes(data.data(), data.size());
    unsigned int digest[5];
    h.get_digest(digest);
    return fmt::format("{:08x}{:08x}{:08x}{:08x}{:08x}", digest[0], digest[1], digest[2], digest[3],
                       digest[4]);
}

/// Deterministic binary content of `size` bytes: every byte value, CRLFs and dashes included,
/// so a multipart reader that trips over a boundary look-alike shows up in the hash.
std::string binary_content(std::size_t size, unsigned seed) {
    std::string s(size, '\0');
    std::uint32_t x = seed * 2654435761U + 1;
    for (std::size_t i = 0; i < size; ++i) {
        x = x * 1664525U + 1013904223U;
        s[i] = static_cast<char>(x >> 24);
        if (i % 97 == 0) s[i] = '\r';
        if (i % 97 == 1) s[i] = '\n';
        if (i % 97 == 2 || i % 97 == 3) s[i] = '-';
    }
    return s;
}

json body_json(const HttpResponse& r) {
    return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

class Requests : public HttpE2E {};

TEST_F(Requests, GetDeliversQueryCookiesAndHeadersAndKeepsTheConnection) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    auto c = connect();
    ASSERT_TRUE(c->send(get("/path/x?a=1&list[]=2&list[]=3&map[k][z]=deep&sp=a+b%21",
                            "Cookie: theme=dark; sess=a%20b; bad=%zz\r\n"
                            "x-lower-case: v\r\n"
                            "X-Multi: one\r\n"
                            "X-Multi: two\r\n"
                            "Accept: */*\r\n")));
    const auto r = c->read_final(kTimeout);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = body_json(*r);
    ASSERT_FALSE(j.is_discarded()) << r->body;

    EXPECT_EQ(j["method"], "GET");
    EXPECT_EQ(j["protocol"], "1.1");
    EXPECT_EQ(j["remote_addr"], "127.0.0.1");
    // Scheme + Host + target (PSR-7 may percent-encode the brackets of the query).
    EXPECT_EQ(j["uri"].get<std::string>().rfind("http://" + host() + "/path/x?a=1&", 0), 0U)
        << j["uri"];
    EXPECT_EQ(j["query"],
              json::parse(R"({"a":"1","list":["2","3"],"map":{"k":{"z":"deep"}},"sp":"a b!"})"));
    // URL-unescaped values; an undecodable cookie is dropped (Go's behaviour).
    EXPECT_EQ(j["cookies"], json::parse(R"({"theme":"dark","sess":"a b"})"));
    // Go-canonical names, repeated fields as several values in arrival order.
    EXPECT_EQ(j["headers"]["X-Lower-Case"], json::array({"v"}));
    EXPECT_EQ(j["headers"]["X-Multi"], json::array({"one", "two"}));
    EXPECT_EQ(j["headers"]["Accept"], json::array({"*/*"}));
    EXPECT_EQ(j["parsed"], nullptr);
    EXPECT_EQ(j["body"], "");

    // Response: PHP's headers, two Set-Cookie fields, a Date, exact Content-Length.
    EXPECT_EQ(r->header("Content-Type"), "application/json");
    EXPECT_EQ(r->all("Set-Cookie"),
              (std::vector<std::string>{"first=1; Path=/", "second=2; HttpOnly"}));
    EXPECT_TRUE(r->header("Date"));
    EXPECT_EQ(r->header("Content-Length"), std::to_string(r->body.size()));

    // Same connection, second request: keep-alive works and the worker is reused.
    ASSERT_TRUE(c->send(get("/again")));
    const auto r2 = c->read_final(kTimeout);
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->status, 200);
    const json j2 = body_json(*r2);
    EXPECT_EQ(j2["uri"], "http://" + host() + "/again");
    EXPECT_EQ(j2["served"], 2);
    EXPECT_EQ(j2["pid"], j["pid"]);
}

TEST_F(Requests, PipelinedRequestsAreAnsweredInOrder) {
    // The positive control for the smuggling tests: well-framed requests sent back to back in
    // one write (a chunked body, a Content-Length body, a GET) are all served, in order.
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    auto c = connect();
    ASSERT_TRUE(
        c->send("POST /one HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                "3\r\nabc\r\n0\r\n\r\n"
                "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nde" +
                get("/three")));
    const char* paths[] = {"/one", "/two", "/three"};
    const char* bodies[] = {"YWJj", "ZGU=", ""};
    for (int i = 0; i < 3; ++i) {
        SCOPED_TRACE(paths[i]);
        const auto r = c->read_final(kTimeout);
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200);
        const json j = body_json(*r);
        EXPECT_EQ(j["served"], i + 1);
        EXPECT_EQ(j["body"], bodies[i]);
        EXPECT_NE(j["uri"].get<std::string>().find(paths[i]), std::string::npos) << j["uri"];
    }
}

TEST_F(Requests, ExpectContinueGets100BeforeTheBodyIsSent) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    auto c = connect();
    ASSERT_TRUE(
        c->send("POST /e HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\n"
                "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    const auto cont = c->read_response(kTimeout);
    ASSERT_TRUE(cont);
    EXPECT_EQ(cont->status, 100);
    ASSERT_TRUE(c->send("hello"));
    const auto r = c->read_response(kTimeout);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(body_json(*r)["body"], "aGVsbG8=");
}

TEST_F(Requests, Http10RequestIsAnsweredAndTheConnectionClosed) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    auto c = connect();
    ASSERT_TRUE(c->send("GET /old HTTP/1.0\r\nHost: " + host() + "\r\n\r\n"));
    const auto r = c->read_response(kTimeout);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(body_json(*r)["protocol"], "1.0");
    EXPECT_TRUE(c->wait_closed(kTimeout));
}

TEST_F(Requests, HeadRequestGetsTheHeadOnly) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    auto c = connect();
    ASSERT_TRUE(c->send("HEAD /h HTTP/1.1\r\nHost: " + host() + "\r\n\r\n"));
    const auto r = c->read_response(kTimeout, /*head_only=*/true);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    ASSERT_TRUE(r->header("Content-Length"));
    EXPECT_GT(std::stoul(*r->header("Content-Length")), 0U);
    // Nothing follows the head: the next response on the connection starts cleanly.
    ASSERT_TRUE(c->send(get("/after-head")));
    const auto r2 = c->read_final(kTimeout);
    ASSERT_TRUE(r2);
    EXPECT_EQ(body_json(*r2)["uri"], "http://" + host() + "/after-head");
}

TEST_F(Requests, UrlencodedFormBecomesANestedParsedBody) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    const std::string form =
        "name=Ann+Lee&user[email]=a%40b.c&user[roles][]=admin&user[roles][]=dev"
        "&matrix[0][1]=x&scalar=first&scalar=last&empty=";
    const auto r = exchange("POST /form?q=1 HTTP/1.1\r\nHost: " + host() +
                            "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                            "Content-Length: " +
                            std::to_string(form.size()) + "\r\n\r\n" + form);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = body_json(*r);
    EXPECT_EQ(j["method"], "POST");
    // rr sends `matrix` as {"0":{"1":"x"}}; PHP's arrays turn the key 0 into a list when the
    // worker re-encodes its view.
    EXPECT_EQ(j["parsed"], json::parse(R"({
        "name": "Ann Lee",
        "user": {"email": "a@b.c", "roles": ["admin", "dev"]},
        "matrix": [{"1": "x"}],
        "scalar": "last",
        "empty": ""
    })"))
        << j["parsed"].dump();
    EXPECT_EQ(j["query"], json::parse(R"({"q":"1"})"));
    EXPECT_EQ(j["files"], json::array());
}

TEST_F(Requests, MultipartNestedFieldsAndFilesArriveIntactAndTempFilesAreRemoved) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    const std::string boundary = "----e2eBoundary7MA4YWxkTrZu0gW";
    const std::string small = "hello, upload\r\n--not-a-boundary\r\n";
    const std::string big = binary_content(300 * 1024 + 7, 1);  // several reads and writes
    const std::string second = binary_content(4096, 2);
    const std::string deep = binary_content(10, 3);

    std::string body;
    auto field = [&](const std::string& name, const std::string& value) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
                "\"\r\n\r\n" + value + "\r\n";
    };
    auto file = [&](const std::string& name, const std::string& filename, const std::string& mime,
                    const std::string& data) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
                "\"; filename=\"" + filename + "\"\r\nContent-Type: " + mime + "\r\n\r\n" + data +
                "\r\n";
    };
    field("title", "Report");
    field("meta[author][name]", "Ann");
    field("tags[]", "a");
    field("tags[]", "b");
    file("single", "note.txt", "text/plain", small);
    file("docs[]", "big.bin", "application/octet-stream", big);
    file("docs[]", "second.bin", "application/x-custom", second);
    file("deep[a][b]", "deep.dat", "application/octet-stream", deep);
    body += "--" + boundary + "--\r\n";

    auto c = connect();
    ASSERT_TRUE(c->send("POST /upload HTTP/1.1\r\nHost: " + host() +
                        "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
    const auto r = c->read_final(kTimeout);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = body_json(*r);
    ASSERT_FALSE(j.is_discarded()) << r->body;

    EXPECT_EQ(j["parsed"], json::parse(R"({
        "title": "Report", "meta": {"author": {"name": "Ann"}}, "tags": ["a", "b"]
    })"))
        << j["parsed"].dump();

    auto check = [&](const json& f, const std::string& name, const std::string& mime,
                     const std::string& data) {
        SCOPED_TRACE(name);
        EXPECT_EQ(f["name"], name);
        EXPECT_EQ(f["mime"], mime);
        EXPECT_EQ(f["error"], 0);
        EXPECT_EQ(f["size"], data.size());
        EXPECT_EQ(f["length"], data.size());
        EXPECT_EQ(f["sha1"], sha1_hex(data));
        ASSERT_TRUE(f["tmp"].is_string());
        EXPECT_EQ(fs::path(f["tmp"].get<std::string>()).parent_path(), uploads_dir());
    };
    const json& files = j["files"];
    check(files["single"], "note.txt", "text/plain", small);
    ASSERT_EQ(files["docs"].size(), 2U) << files.dump();
    check(files["docs"][0], "big.bin", "application/octet-stream", big);
    check(files["docs"][1], "second.bin", "application/x-custom", second);
    check(files["deep"]["a"]["b"], "deep.dat", "application/octet-stream", deep);

    // The next response on this connection is only read after the first handler finished,
    // and the temp files go away when it finishes (whatever PHP did with them).
    ASSERT_TRUE(c->send(get("/next")));
    ASSERT_TRUE(c->read_final(kTimeout));
    EXPECT_TRUE(fs::is_empty(uploads_dir())) << fs::directory_iterator(uploads_dir())->path();
}

TEST_F(Requests, JsonBodyIsPassedRawAndUnparsed) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    const std::string doc = R"({"a":[1,2,{"b":null}],"s":"caf\u00e9 \"q\"","n":-1.5e3})";
    const auto r = exchange("PUT /api/items/7 HTTP/1.1\r\nHost: " + host() +
                            "\r\nContent-Type: application/json; charset=utf-8\r\n"
                            "Content-Length: " +
                            std::to_string(doc.size()) + "\r\n\r\n" + doc);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = body_json(*r);
    EXPECT_EQ(j["method"], "PUT");
    EXPECT_EQ(j["parsed"], nullptr);
    EXPECT_EQ(j["json"], json::parse(doc));
    EXPECT_EQ(j["headers"]["Content-Type"], json::array({"application/json; charset=utf-8"}));
    // The exact bytes (base64 of the raw body, as PHP saw it).
    EXPECT_EQ(j["body"],
              "eyJhIjpbMSwyLHsiYiI6bnVsbH1dLCJzIjoiY2FmXHUwMGU5IFwicVwiIiwibiI6LTEuNWUzfQ==");
}

TEST_F(Requests, ChunkedRequestBodyIsReassembled) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    const auto r = exchange("POST /chunked HTTP/1.1\r\nHost: " + host() +
                            "\r\nContent-Type: application/json\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n"
                            "5\r\n{\"k\":\r\n"
                            "3;ext=1\r\n\"v\"\r\n"
                            "1\r\n}\r\n"
                            "0\r\nX-Trailer: t\r\n\r\n");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = body_json(*r);
    EXPECT_EQ(j["json"], json::parse(R"({"k":"v"})"));
    EXPECT_FALSE(j["headers"].contains("Transfer-Encoding"));
}

TEST_F(Requests, EachRequestIsLoggedWithUpstreamsFields) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    auto c = connect();
    ASSERT_TRUE(
        c->send("POST /logged?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\n"
                "Content-Length: 3\r\n\r\nabc"));
    const auto r = c->read_final(kTimeout);
    ASSERT_TRUE(r);
    // The line is written after the response; the next response on this connection comes
    // after it.
    ASSERT_TRUE(c->send(get("/next")));
    ASSERT_TRUE(c->read_final(kTimeout));
    ASSERT_TRUE(rr_->wait_for("URI=/next", kTimeout, /*on_stderr=*/true)) << rr_->err();
    const std::string& err = rr_->err();
    const auto at = err.find("\tINFO\thttp\thttp log\tstatus=200 method=POST URI=\"/logged?x=1\"");
    ASSERT_NE(at, std::string::npos) << err;
    const std::string line = err.substr(at, err.find('\n', at) - at);
    // Upstream's keys in upstream's order (roadrunner-server/http middleware/log.go).
    std::size_t pos = 0;
    for (const char* key : {" URL=", " remote_address=127.0.0.1:", " read_bytes=3 ",
                            " write_bytes=", " start=", " elapsed="}) {
        const auto found = line.find(key, pos);
        EXPECT_NE(found, std::string::npos) << key << " in " << line;
        if (found != std::string::npos) pos = found;
    }
}

TEST_F(Requests, LargeRawBodyReachesPhpIntact) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    const std::string data = binary_content(3 * 1024 * 1024 + 11, 9);
    const auto r = exchange(
        "POST /raw HTTP/1.1\r\nHost: a\r\nContent-Type: application/octet-stream"
        "\r\nContent-Length: " +
        std::to_string(data.size()) + "\r\n\r\n" + data);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    const json j = body_json(*r);
    EXPECT_EQ(j["body_sha1"], sha1_hex(data));
    EXPECT_EQ(j["body_length"], data.size());
}

TEST_F(Requests, ForbiddenUploadExtensionReachesPhpAsError8WithoutATempFile) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().http_extra("  uploads:\n    forbid: [\".php\"]\n")));
    const std::string boundary = "b0undary";
    const std::string body =
        "--" + boundary +
        "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.PHP\"\r\n"
        "Content-Type: text/plain\r\n\r\n<?php evil();\r\n--" +
        boundary + "--\r\n";
    const auto r = exchange(
        "POST /up HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; "
        "boundary=" +
        boundary + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json f = body_json(*r)["files"]["f"];
    EXPECT_EQ(f["name"], "x.PHP");
    EXPECT_EQ(f["error"], 8) << f.dump();
    EXPECT_EQ(f["length"], 0);
    EXPECT_TRUE(fs::is_empty(uploads_dir()));
}

TEST_F(Requests, UploadOverTheLimitGets413AndLeavesNoTempFiles) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario().http_extra("  max_request_size: 1\n")));
    auto c = connect();
    const std::string boundary = "b0undary";
    ASSERT_TRUE(
        c->send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                "Content-Type: multipart/form-data; boundary=" +
                boundary + "\r\n\r\n"));
    const std::string part_head = "--" + boundary +
                                  "\r\nContent-Disposition: form-data; name=\"f\"; "
                                  "filename=\"big.bin\"\r\n\r\n";
    auto chunk = [](const std::string& data) {
        return fmt::format("{:x}\r\n", data.size()) + data + "\r\n";
    };
    c->send(chunk(part_head));
    const std::string piece(64 * 1024, 'q');
    for (int i = 0; i < 17 && c->send(chunk(piece)); ++i) {  // past 1 MiB
    }
    const auto r = c->read_response(kTimeout);
    ASSERT_TRUE(r) << c->buffer();
    EXPECT_EQ(r->status, 413);
    // The handler has returned before the connection answers: its temp file is gone.
    EXPECT_TRUE(fs::is_empty(uploads_dir()));
}

TEST_F(Requests, OptionsBodyIsNotPassedAndIsSkippedBeforeTheNextRequest) {
    ASSERT_NO_FATAL_FAILURE(start(Scenario()));
    auto c = connect();
    // The body must be drained, not parsed as the next request line.
    ASSERT_TRUE(
        c->send("OPTIONS /o HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\n"
                "Content-Length: 26\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n" +
                get("/after")));
    const auto r = c->read_final(kTimeout);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    const json j = body_json(*r);
    EXPECT_EQ(j["method"], "OPTIONS");
    EXPECT_EQ(j["body"], "");
    const auto next = c->read_final(kTimeout);
    ASSERT_TRUE(next);
    EXPECT_EQ(body_json(*next)["uri"], "http://" + host() + "/after");
}

}  // namespace
}  // namespace rr::e2e
