// Connection::send_file over a real socket: small files inline with the head, large ones
// through sendfile(2), HEAD, no-body statuses, HTTP/1.0, keep-alive afterwards, and a client
// that reads slowly (the socket fills up and the sendfile loop waits for it).
#include <fcntl.h>
#include <unistd.h>

#include "support/temp_file.h"
#include "test_support.h"

namespace rr::http::test {
namespace {

using ::rr::test::TempFile;

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + i / 7) & 0xff);
    return s;
}

class HttpFiles : public ServerWithHandler {};

TEST_F(HttpFiles, SmallFileGoesOutWithItsHead) {
    const std::string content = pattern(1000);
    TempFile file(content);
    auto headers = fields_of({{"Content-Type", "text/css"}, {"Content-Length", "7"}});
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_FALSE(co_await w.send_file(200, headers, FileRange{file.fd(), 10, 900}));
    });
    Client c(port());
    c.send("GET /a.css HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.fields["content-length"], "900");
    EXPECT_EQ(r.fields["content-type"], "text/css");
    EXPECT_EQ(r.body, content.substr(10, 900));
    // Keep-alive: the next request works on the same connection.
    c.send("GET /a.css HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().body, content.substr(10, 900));
}

TEST_F(HttpFiles, LargeFileIsSentWhole) {
    const std::string content = pattern(3 * 1024 * 1024 + 17);
    TempFile file(content);
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_FALSE(
            co_await w.send_file(200, Fields{}, FileRange{file.fd(), 1, content.size() - 1}));
    });
    Client c(port());
    c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.fields["content-length"], std::to_string(content.size() - 1));
    EXPECT_TRUE(r.body == content.substr(1)) << "body differs";
    auto completions = server_->handler().completions();
    ASSERT_EQ(completions.size(), 1u);
    EXPECT_GT(completions[0].bytes_written, content.size() - 1);
}

TEST_F(HttpFiles, HeadRequestGetsTheLengthButNoBody) {
    TempFile file(pattern(100000));
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_FALSE(co_await w.send_file(200, Fields{}, FileRange{file.fd(), 0, 100000}));
    });
    Client c(port());
    c.send("HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response(/*head_request=*/true);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.fields["content-length"], "100000");
    c.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");  // nothing stray between the two
    auto next = c.read_response();
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.body.size(), 100000u);
}

TEST_F(HttpFiles, NoBodyStatusSendsNoBytes) {
    TempFile file(pattern(100));
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_FALSE(co_await w.send_file(304, Fields{}, FileRange{file.fd(), 0, 100}));
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 304);
    EXPECT_EQ(c.read_response().status, 304);
}

TEST_F(HttpFiles, Http10ClientGetsAContentLengthBody) {
    const std::string content = pattern(70000);
    TempFile file(content);
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        EXPECT_FALSE(co_await w.send_file(200, Fields{}, FileRange{file.fd(), 0, content.size()}));
    });
    Client c(port());
    c.send("GET / HTTP/1.0\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.fields["content-length"], "70000");
    EXPECT_TRUE(r.body == content);
}

TEST_F(HttpFiles, FileShorterThanPromisedClosesTheConnection) {
    TempFile file(pattern(50000));
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        auto ec = co_await w.send_file(200, Fields{}, FileRange{file.fd(), 0, 60000});
        EXPECT_EQ(ec, boost::system::errc::io_error);
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto head = c.read_until("\r\n\r\n");
    EXPECT_NE(head.find("Content-Length: 60000"), std::string::npos);
    EXPECT_TRUE(c.wait_closed());
    EXPECT_EQ(c.buffered().size(), 50000u);
}

TEST_F(HttpFiles, SmallFileReadErrorLeavesTheConnectionToAnswer) {
    TempFile file(pattern(10));
    start([&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
        auto ec = co_await w.send_file(200, Fields{}, FileRange{file.fd(), 0, 100});
        EXPECT_EQ(ec, boost::system::errc::io_error);
        EXPECT_FALSE(w.head_sent());
    });
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 500);  // the connection's internal_error_code
}

}  // namespace
}  // namespace rr::http::test
