#pragma once
// Test support for middleware and handlers without sockets (STYLE.md §12.2):
//   FakeWriter   a ResponseWriter that records every call (interim responses, the final head,
//                body chunks, trailers, file sends) and follows the ResponseWriter contract
//                (order checks, HEAD, no-body statuses), with optional write failures;
//   FakeRequest  a Request built from a method, target, headers and body text;
//   run_sync()   runs one awaitable to completion on a private io_context.
// Header-only; link rr_http. Not thread-safe: one test thread.

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/middleware.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "http/status.h"

namespace rr::test {

namespace asio = boost::asio;
using boost::system::error_code;

/// Runs `make()`'s awaitable to completion; rethrows what it threw.
template <class Make>
void run_sync(Make&& make) {
    asio::io_context io;
    std::exception_ptr failure;
    asio::co_spawn(io, std::forward<Make>(make)(),
                   [&](std::exception_ptr e) { failure = std::move(e); });
    io.run();
    if (failure) std::rethrow_exception(failure);
}

/// One recorded ResponseWriter call.
struct WriterEvent {
    enum class Kind { kInterim, kResponse, kStreamStart, kChunk, kFinish, kFile };
    Kind kind;
    int status = 0;
    http::Fields headers;
    std::string body;  ///< response body, chunk, first chunk, or the file bytes read
    http::FileRange file{};
};

class FakeWriter final : public http::ResponseWriter {
public:
    using Kind = WriterEvent::Kind;

    bool head_request = false;       ///< behave as for a HEAD request (no body bytes kept)
    bool default_send_file = false;  ///< use ResponseWriter's chunked send_file
    int fail_after = -1;             ///< >= 0: calls after this many writes fail (client gone)

    std::vector<WriterEvent> events;

    // --- ResponseWriter ---
    asio::awaitable<error_code> send_interim(int status, const http::Fields& headers) override {
        if (status < 100 || status > 199 || status == 101) co_return errc::kHttpBadWorkerStatus;
        if (head_sent_) co_return errc::kHttpBadWorkerResponse;
        if (auto ec = count_write()) co_return ec;
        events.push_back({Kind::kInterim, status, headers, {}, {}});
        co_return error_code{};
    }
    asio::awaitable<error_code> send_response(int status, const http::Fields& headers,
                                              std::string_view body) override {
        if (auto ec = check_final(status)) co_return ec;
        if (auto ec = count_write()) co_return ec;
        head_sent_ = complete_ = true;
        events.push_back({Kind::kResponse, status, headers, keep(status, body), {}});
        co_return error_code{};
    }
    asio::awaitable<error_code> send_response(int status,
                                              std::span<const protocol::HttpField> headers,
                                              std::string_view body) override {
        http::Fields fields;
        for (const auto& h : headers) fields.add(std::string(h.name), std::string(h.value));
        co_return co_await send_response(status, fields, body);
    }
    asio::awaitable<error_code> start_stream(int status, const http::Fields& headers,
                                             std::string_view first_chunk) override {
        if (auto ec = check_final(status)) co_return ec;
        if (auto ec = count_write()) co_return ec;
        head_sent_ = true;
        events.push_back({Kind::kStreamStart, status, headers, keep(status, first_chunk), {}});
        co_return error_code{};
    }
    asio::awaitable<error_code> send_chunk(std::string_view data) override {
        if (!head_sent_ || complete_) co_return errc::kHttpBadWorkerResponse;
        if (auto ec = count_write()) co_return ec;
        events.push_back({Kind::kChunk, 0, {}, keep(final_status(), data), {}});
        co_return error_code{};
    }
    asio::awaitable<error_code> finish_stream(const http::Fields& headers) override {
        if (!head_sent_ || complete_) co_return errc::kHttpBadWorkerResponse;
        if (auto ec = count_write()) co_return ec;
        complete_ = true;
        events.push_back({Kind::kFinish, 0, headers, {}, {}});
        co_return error_code{};
    }
    void update_trailers(const http::Fields& headers) override {
        trailer_updates.push_back(headers);
    }
    asio::awaitable<error_code> send_file(int status, const http::Fields& headers,
                                          http::FileRange file) override {
        if (default_send_file) co_return co_await ResponseWriter::send_file(status, headers, file);
        if (auto ec = check_final(status)) co_return ec;
        std::string bytes;
        if (!head_request && !http::status_has_no_body(status)) {
            bytes.resize(static_cast<std::size_t>(file.length));
            const ssize_t n =
                ::pread(file.fd, bytes.data(), bytes.size(), static_cast<off_t>(file.offset));
            if (n != static_cast<ssize_t>(bytes.size())) {
                co_return boost::system::errc::make_error_code(boost::system::errc::io_error);
            }
        }
        if (auto ec = count_write()) co_return ec;
        head_sent_ = complete_ = true;
        events.push_back({Kind::kFile, status, headers, std::move(bytes), file});
        co_return error_code{};
    }
    bool head_sent() const noexcept override { return head_sent_; }
    bool response_complete() const noexcept override { return complete_; }
    bool client_gone() const noexcept override { return gone_; }

    // --- inspection ---
    std::vector<http::Fields> trailer_updates;

    /// The final response's event (response, stream start or file), or nullptr.
    const WriterEvent* final_head() const {
        for (const auto& e : events) {
            if (e.kind == Kind::kResponse || e.kind == Kind::kStreamStart || e.kind == Kind::kFile)
                return &e;
        }
        return nullptr;
    }
    int status() const { return final_head() ? final_head()->status : 0; }
    const http::Fields& headers() const {
        static const http::Fields empty;
        return final_head() ? final_head()->headers : empty;
    }
    /// The first value of `name` in the final head, or nullopt.
    std::optional<std::string> header(std::string_view name) const {
        if (const std::string* v = headers().find(name)) return *v;
        return std::nullopt;
    }
    /// Every body byte of the final response, in order.
    std::string body() const {
        std::string out;
        for (const auto& e : events) {
            if (e.kind != Kind::kInterim) out += e.body;
        }
        return out;
    }
    std::size_t count(Kind kind) const {
        std::size_t n = 0;
        for (const auto& e : events) n += e.kind == kind ? 1 : 0;
        return n;
    }
    bool complete() const { return complete_; }

private:
    error_code check_final(int status) const {
        if (status < 200 || status > 599) return errc::kHttpBadWorkerStatus;
        if (head_sent_ || complete_) return errc::kHttpBadWorkerResponse;
        return {};
    }
    error_code count_write() {
        if (gone_) return asio::error::broken_pipe;
        if (fail_after >= 0 && writes_ >= fail_after) {
            gone_ = true;
            return asio::error::broken_pipe;
        }
        ++writes_;
        return {};
    }
    int final_status() const { return final_head() ? final_head()->status : 200; }
    std::string keep(int status, std::string_view body) const {
        if (head_request || http::status_has_no_body(status)) return {};
        return std::string(body);
    }

    bool head_sent_ = false;
    bool complete_ = false;
    bool gone_ = false;
    int writes_ = 0;
};

/// A body source that hands out one string, then the end.
class StringBody final : public http::BodySource {
public:
    explicit StringBody(std::string body) : body_(std::move(body)) {}
    asio::awaitable<Result<std::string_view>> read_body_some() override {
        if (done_) co_return std::string_view{};
        done_ = true;
        read_ = body_.size();
        co_return std::string_view(body_);
    }
    bool body_complete() const noexcept override { return done_; }
    std::uint64_t body_bytes_read() const noexcept override { return read_; }

private:
    std::string body_;
    bool done_ = false;
    std::uint64_t read_ = 0;
};

/// A Request with everything it borrows: `FakeRequest r("GET", "/a.css", {{"Range",
/// "bytes=0-1"}}); middleware.handle(r.request, writer, ...)`.
struct FakeRequest {
    FakeRequest(std::string method, std::string target, http::Fields fields = {},
                std::string body = {})
        : body_source(std::move(body)),
          request(make_head(method, target, fields), asio::ip::make_address("127.0.0.1"), 40000,
                  false, body_source, mapping) {}

    http::MappingOptions mapping;
    StringBody body_source;
    http::Request request;

private:
    static http::RequestHead make_head(const std::string& method, const std::string& target,
                                       const http::Fields& fields) {
        http::RequestHead head;
        head.method = method;
        head.target = target;
        head.fields = fields;
        if (const std::string* h = fields.find("Host")) head.host = *h;
        return head;
    }
};

/// An application handler for chain tests: records calls and answers `status`/`body`.
class RecordingApp final : public http::Handler {
public:
    int status = 200;
    std::string body = "from-app";
    http::Fields headers{{"Content-Type", "text/plain"}};
    int calls = 0;
    int completions = 0;

    asio::awaitable<void> handle(http::Request&, http::ResponseWriter& writer) override {
        ++calls;
        co_await writer.send_response(status, headers, body);
    }
    void on_complete(const http::Request&, const http::Completion&) noexcept override {
        ++completions;
    }
};

}  // namespace rr::test
