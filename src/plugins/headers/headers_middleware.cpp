#include "plugins/headers/headers_middleware.h"

#include "http/forwarding_writer.h"

namespace rr::plugins {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

namespace {

/// Puts `extra` ahead of the application's headers on the final head.
class HeaderWriter final : public http::ForwardingWriter {
public:
    HeaderWriter(http::ResponseWriter& next, const http::Fields& extra)
        : ForwardingWriter(next), extra_(extra) {}

    asio::awaitable<error_code> send_response(int status, const http::Fields& headers,
                                              std::string_view body) override {
        co_return co_await next().send_response(status, merged(headers), body);
    }
    asio::awaitable<error_code> send_response(int status,
                                              std::span<const protocol::HttpField> headers,
                                              std::string_view body) override {
        http::Fields out = extra_;
        out.reserve(extra_.size() + headers.size());
        for (const auto& h : headers) out.add(std::string(h.name), std::string(h.value));
        co_return co_await next().send_response(status, out, body);
    }
    asio::awaitable<error_code> start_stream(int status, const http::Fields& headers,
                                             std::string_view first_chunk) override {
        co_return co_await next().start_stream(status, merged(headers), first_chunk);
    }
    asio::awaitable<error_code> send_file(int status, const http::Fields& headers,
                                          http::FileRange file) override {
        co_return co_await next().send_file(status, merged(headers), file);
    }

private:
    http::Fields merged(const http::Fields& app) const {
        http::Fields out = extra_;
        out.reserve(extra_.size() + app.size());
        for (const auto& f : app) out.add(f.name, f.value);
        return out;
    }

    const http::Fields& extra_;  // on the middleware's frame; outlives this writer
};

}  // namespace

HeadersMiddleware::HeadersMiddleware(const HeadersConfig& cfg, std::shared_ptr<spdlog::logger> log)
    : request_headers_(cfg.request), log_(std::move(log)) {
    for (const auto& [name, value] : cfg.response) response_headers_.set(name, value);
    if (cfg.cors) {
        cors_.emplace(*cfg.cors);
        debug_ = cfg.cors->debug;
    }
}

asio::awaitable<void> HeadersMiddleware::handle(http::Request& request,
                                                http::ResponseWriter& writer, http::Next next) {
    for (const auto& [name, value] : request_headers_) request.head().fields.add(name, value);
    http::Fields extra = response_headers_;
    if (cors_) {
        if (CorsPolicy::is_preflight(request.method(), request.headers())) {
            const std::string_view refused = cors_->preflight(request.headers(), extra);
            if (debug_) {
                log_->info("cors preflight {}: {}", request.target(),
                           refused.empty() ? std::string_view("allowed") : refused);
            }
            co_await writer.send_response(cors_->options_success_status(), extra, {});
            co_return;
        }
        const std::string_view refused = cors_->actual(request.method(), request.headers(), extra);
        if (debug_) {
            log_->info("cors request {} {}: {}", request.method(), request.target(),
                       refused.empty() ? std::string_view("headers added") : refused);
        }
    }
    if (extra.empty()) {
        co_await next(request, writer);
        co_return;
    }
    HeaderWriter decorated(writer, extra);
    co_await next(request, decorated);
}

}  // namespace rr::plugins
