#pragma once
// HeadersMiddleware: the `headers` middleware (BEHAVIOUR.md §1.4; upstream
// roadrunner-server/headers): adds `http.headers.request` to every request, puts
// `http.headers.response` and the CORS headers (cors.h) ahead of the application's own
// headers on every final response (so a name set by both appears twice, as upstream), and
// answers CORS preflights itself, without the application.
//
// Thread safety: immutable after construction; handle() may run on several I/O threads.

#include <spdlog/logger.h>

#include <memory>
#include <optional>

#include "http/middleware.h"
#include "plugins/headers/config.h"
#include "plugins/headers/cors.h"

namespace rr::plugins {

class HeadersMiddleware final : public http::Middleware {
public:
    HeadersMiddleware(const HeadersConfig& cfg, std::shared_ptr<spdlog::logger> log);

    boost::asio::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer,
                                        http::Next next) override;

private:
    config::HeaderList request_headers_;
    http::Fields response_headers_;
    std::optional<CorsPolicy> cors_;
    bool debug_ = false;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace rr::plugins
