#include "plugins/metrics/scrape_server.h"

#include <pthread.h>
#include <spdlog/logger.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/server.h"
#include "metrics/exposition.h"

namespace rr::plugins {

namespace asio = boost::asio;

/// Answers every request with the exposition (scrape thread).
class ScrapeServer::Handler final : public http::Handler {
public:
    explicit Handler(const metrics::Registry& registry) : registry_(registry) {}

    asio::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer) override {
        const std::string* accept = request.headers().find("Accept");
        const std::string* encoding = request.headers().find("Accept-Encoding");
        metrics::ScrapeResponse r =
            metrics::render_scrape(registry_, accept ? *accept : std::string_view(),
                                   encoding ? *encoding : std::string_view());
        http::Fields headers{{"Content-Type", std::string(r.content_type)}};
        if (r.gzipped) headers.add("Content-Encoding", "gzip");
        headers.add("Vary", "Accept-Encoding");
        co_await writer.send_response(200, headers, r.body);
    }

private:
    const metrics::Registry& registry_;
};

ScrapeServer::ScrapeServer(std::shared_ptr<const metrics::Registry> registry,
                           http::ServerSettings settings, std::shared_ptr<spdlog::logger> log)
    : registry_(std::move(registry)),
      log_(std::move(log)),
      handler_(std::make_unique<Handler>(*registry_)),
      server_(std::make_unique<http::Server>(io_, std::move(settings), *handler_, log_)) {}

ScrapeServer::~ScrapeServer() {
    if (thread_.joinable()) {
        asio::post(io_, [this] {
            server_->close_all();
            work_.reset();
        });
        thread_.join();
    }
    server_.reset();  // before the io_context and the handler it refers to
}

boost::system::error_code ScrapeServer::start(std::string* detail) {
    if (const auto ec = server_->start(detail)) return ec;
    addresses_ = server_->addresses();
    work_.emplace(io_.get_executor());
    thread_ = std::thread([this] {
        ::pthread_setname_np(::pthread_self(), "rr-metrics");  // as the loops: rr-http-N
        for (;;) {
            try {
                io_.run();
                break;
            } catch (const std::exception& e) {
                // A handler must not throw; if one does, log it and keep serving.
                log_->error("metrics listener: {}", e.what());
            }
        }
        if (stopped_) stopped_();
    });
    return {};
}

void ScrapeServer::stop(std::chrono::steady_clock::time_point deadline,
                        std::function<void()> stopped) {
    stopped_ = std::move(stopped);  // read by the thread only after run() returned
    if (!thread_.joinable()) {
        if (stopped_) stopped_();
        return;
    }
    asio::post(io_, [this, deadline] {
        server_->stop();
        auto timer = std::make_shared<asio::steady_timer>(io_, deadline);
        auto finish = [this, timer] {
            timer->cancel();
            server_->close_all();
            work_.reset();
        };
        server_->on_drained(finish);
        timer->async_wait([this](boost::system::error_code ec) {
            if (ec) return;
            server_->close_all();
            work_.reset();
        });
    });
}

void ScrapeServer::join() {
    if (thread_.joinable()) thread_.join();
}

}  // namespace rr::plugins
