#include "http/server/connection.h"

#include <spdlog/spdlog.h>

#include "http/server/listener.h"
#include "http/status.h"

namespace rr::http::server {

ServerState::ServerState(asio::io_context& io, ServerSettings s, Handler& h,
                         std::shared_ptr<spdlog::logger> l)
    : ioc(io), settings(std::move(s)), handler(h), log(std::move(l)) {}

ServerState::~ServerState() = default;

spdlog::logger& ServerState::logger() const {
    return log ? *log : *spdlog::default_logger();
}

const std::string& ServerState::date() {
    std::time_t now = std::time(nullptr);
    if (now != date_second_ || date_.empty()) {
        date_second_ = now;
        date_ = http_date(static_cast<long long>(now));
    }
    return date_;
}

std::chrono::system_clock::time_point ServerState::wall_time(Clock::time_point now) {
    using std::chrono::system_clock;
    if (!wall_offset_valid_ || now - wall_offset_read_ >= std::chrono::seconds(1) ||
        now < wall_offset_read_) {
        wall_offset_ = system_clock::now().time_since_epoch() -
                       std::chrono::duration_cast<system_clock::duration>(now.time_since_epoch());
        wall_offset_read_ = now;
        wall_offset_valid_ = true;
    }
    return system_clock::time_point(
        std::chrono::duration_cast<system_clock::duration>(now.time_since_epoch()) + wall_offset_);
}

Connection::Connection(std::shared_ptr<ServerState> state) : state_(std::move(state)) {
    self_ = state_->connections.insert(state_->connections.end(), this);
}

Connection::~Connection() {
    state_->connections.erase(self_);
    if (state_->stopping && state_->connections.empty() && !state_->drained.empty()) {
        auto callbacks = std::move(state_->drained);
        state_->drained.clear();
        for (auto& callback : callbacks) callback();
    }
}

}  // namespace rr::http::server
