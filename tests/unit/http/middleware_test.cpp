// The middleware seam: chain order, answering without the app, decorated writers, and the
// default (chunked) ResponseWriter::send_file — all without sockets (tests/support/fake_writer.h).

#include "http/middleware.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "http/forwarding_writer.h"
#include "support/fake_writer.h"
#include "support/temp_file.h"

namespace rr::http {
namespace {

using rr::test::FakeRequest;
using rr::test::FakeWriter;
using rr::test::RecordingApp;
using rr::test::run_sync;
using Kind = rr::test::WriterEvent::Kind;

/// Appends its name to `trace` on the way in, then passes on (or answers, when `answer`).
class Tracing final : public Middleware {
public:
    Tracing(std::string name, std::vector<std::string>& trace, bool answer = false)
        : name_(std::move(name)), trace_(trace), answer_(answer) {}

    boost::asio::awaitable<void> handle(Request& request, ResponseWriter& writer,
                                        Next next) override {
        trace_.push_back(name_);
        if (answer_) {
            Fields headers;              // built outside the co_await: g++ 12 cannot copy a string
            headers.add("X-By", name_);  // literal into the coroutine frame
            co_await writer.send_response(204, headers, {});
            co_return;
        }
        co_await next(request, writer);
        trace_.push_back(name_ + "-out");
    }

private:
    std::string name_;
    std::vector<std::string>& trace_;
    bool answer_;
};

/// Adds a header to every final head: a decorator that overrides one call only.
class AddHeader final : public Middleware {
    class Writer final : public ForwardingWriter {
    public:
        using ForwardingWriter::ForwardingWriter;
        using ForwardingWriter::send_response;
        boost::asio::awaitable<error_code> send_response(int status, const Fields& headers,
                                                         std::string_view body) override {
            Fields h = headers;
            h.add("X-Decorated", "yes");
            co_return co_await next().send_response(status, h, body);
        }
    };

public:
    boost::asio::awaitable<void> handle(Request& request, ResponseWriter& writer,
                                        Next next) override {
        Writer decorated(writer);
        co_await next(request, decorated);
    }
};

TEST(MiddlewareChain, EmptyChainCallsTheAppAndForwardsCompletion) {
    RecordingApp app;
    MiddlewareChain chain({}, app);
    FakeRequest r("GET", "/");
    FakeWriter w;
    run_sync([&] { return chain.handle(r.request, w); });
    EXPECT_EQ(app.calls, 1);
    EXPECT_EQ(w.status(), 200);
    EXPECT_EQ(w.body(), "from-app");
    EXPECT_TRUE(r.request.reached_app());
    chain.on_complete(r.request, Completion{});
    EXPECT_EQ(app.completions, 1);
}

TEST(MiddlewareChain, RequestPassesOutermostFirstAndReturnsInReverse) {
    RecordingApp app;
    std::vector<std::string> trace;
    MiddlewareChain chain(
        {std::make_shared<Tracing>("outer", trace), std::make_shared<Tracing>("inner", trace)},
        app);
    FakeRequest r("GET", "/");
    FakeWriter w;
    run_sync([&] { return chain.handle(r.request, w); });
    EXPECT_EQ(trace, (std::vector<std::string>{"outer", "inner", "inner-out", "outer-out"}));
    EXPECT_EQ(app.calls, 1);
}

TEST(MiddlewareChain, AnsweringMiddlewareStopsTheChainAndSkipsTheAppsCompletion) {
    RecordingApp app;
    std::vector<std::string> trace;
    MiddlewareChain chain({std::make_shared<Tracing>("outer", trace),
                           std::make_shared<Tracing>("answers", trace, /*answer=*/true),
                           std::make_shared<Tracing>("never", trace)},
                          app);
    FakeRequest r("GET", "/");
    FakeWriter w;
    run_sync([&] { return chain.handle(r.request, w); });
    EXPECT_EQ(trace, (std::vector<std::string>{"outer", "answers", "outer-out"}));
    EXPECT_EQ(app.calls, 0);
    EXPECT_EQ(w.status(), 204);
    EXPECT_EQ(w.header("X-By"), "answers");
    EXPECT_FALSE(r.request.reached_app());
    chain.on_complete(r.request, Completion{});
    EXPECT_EQ(app.completions, 0);  // as upstream: not in the access log
}

TEST(MiddlewareChain, DecoratedWriterChangesOnlyWhatItOverrides) {
    RecordingApp app;
    MiddlewareChain chain({std::make_shared<AddHeader>()}, app);
    FakeRequest r("GET", "/");
    FakeWriter w;
    run_sync([&] { return chain.handle(r.request, w); });
    EXPECT_EQ(w.header("X-Decorated"), "yes");
    EXPECT_EQ(w.header("Content-Type"), "text/plain");
    EXPECT_EQ(w.body(), "from-app");
}

/// A temp file with `content`, removed at the end.
using ::rr::test::TempFile;

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7) % 26);
    return s;
}

TEST(DefaultSendFile, StreamsTheRangeInBoundedChunksWithContentLength) {
    const std::string content = pattern(kSendFileChunk * 2 + 100);
    TempFile file(content);
    FakeWriter w;
    w.default_send_file = true;
    const std::uint64_t offset = 50;
    const std::uint64_t length = content.size() - 60;
    boost::system::error_code ec;
    const Fields headers{{"Content-Length", "1"}, {"X-A", "b"}};
    run_sync([&]() -> boost::asio::awaitable<void> {
        ec = co_await w.send_file(200, headers, FileRange{file.fd(), offset, length});
    });
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_NE(w.final_head(), nullptr);
    EXPECT_EQ(w.final_head()->kind, Kind::kStreamStart);
    EXPECT_EQ(w.headers().count("Content-Length"), 1u);
    EXPECT_EQ(w.header("Content-Length"), std::to_string(length));
    EXPECT_EQ(w.header("X-A"), "b");
    EXPECT_EQ(w.count(Kind::kChunk), 3u);  // 128 KiB, 128 KiB, the rest
    for (const auto& e : w.events) {
        if (e.kind == Kind::kChunk) {
            EXPECT_LE(e.body.size(), kSendFileChunk);
        }
    }
    EXPECT_EQ(w.body(), content.substr(offset, length));
    EXPECT_TRUE(w.complete());
}

TEST(DefaultSendFile, FileShorterThanPromisedFailsAfterTheHead) {
    TempFile file("short");
    FakeWriter w;
    w.default_send_file = true;
    boost::system::error_code ec;
    run_sync([&]() -> boost::asio::awaitable<void> {
        ec = co_await w.send_file(200, Fields{}, FileRange{file.fd(), 0, 100});
    });
    EXPECT_EQ(ec, boost::system::errc::io_error);
    EXPECT_TRUE(w.head_sent());
    EXPECT_FALSE(w.complete());
}

}  // namespace
}  // namespace rr::http
