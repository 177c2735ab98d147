#include "plugins/http_metrics/middleware.h"

#include "common/ascii.h"
#include "http/forwarding_writer.h"

namespace rr::plugins {

namespace {

constexpr std::string_view kNoWorkers = "No-Workers";

/// Records the final status and the No-Workers header, forwards every call.
class StatusWriter final : public http::ForwardingWriter {
public:
    using ForwardingWriter::ForwardingWriter;

    boost::asio::awaitable<error_code> send_response(int status, const http::Fields& headers,
                                                     std::string_view body) override {
        note(status, headers);
        return next().send_response(status, headers, body);
    }
    boost::asio::awaitable<error_code> send_response(int status,
                                                     std::span<const protocol::HttpField> headers,
                                                     std::string_view body) override {
        status_ = status;
        for (const auto& h : headers) {
            if (ascii::iequals(h.name, kNoWorkers) && h.value == "true") no_workers_ = true;
        }
        return next().send_response(status, headers, body);
    }
    boost::asio::awaitable<error_code> start_stream(int status, const http::Fields& headers,
                                                    std::string_view first_chunk) override {
        note(status, headers);
        return next().start_stream(status, headers, first_chunk);
    }
    boost::asio::awaitable<error_code> send_file(int status, const http::Fields& headers,
                                                 http::FileRange file) override {
        note(status, headers);
        return next().send_file(status, headers, file);
    }

    int status() const noexcept { return status_; }
    bool no_workers() const noexcept { return no_workers_; }

private:
    void note(int status, const http::Fields& headers) {
        status_ = status;
        const std::string* v = headers.find(kNoWorkers);
        if (v != nullptr && *v == "true") no_workers_ = true;
    }

    int status_ = 0;  // 0: nothing final was sent through this writer
    bool no_workers_ = false;
};

/// Ends the request's accounting however the coroutine leaves (an exception included), so the
/// queue gauge never leaks.
struct Accounting {
    HttpMetrics& metrics;
    HttpMetrics::Clock::time_point started;
    const StatusWriter& writer;
    ~Accounting() { metrics.end(started, writer.status(), writer.no_workers()); }
};

}  // namespace

boost::asio::awaitable<void> HttpMetricsMiddleware::handle(http::Request& request,
                                                           http::ResponseWriter& writer,
                                                           http::Next next) {
    StatusWriter counted(writer);
    Accounting accounting{metrics_, metrics_.begin(), counted};
    co_await next(request, counted);
}

}  // namespace rr::plugins
