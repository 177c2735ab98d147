#include "process/line_pump.h"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <string>
#include <string_view>

namespace rr::process {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxLine = 64 * 1024;

void emit(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view line) {
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    logger.log(level, "{}", line);
}

transport::Awaitable<void> pump(transport::Executor ex, transport::UniqueFd fd,
                                std::shared_ptr<spdlog::logger> logger,
                                spdlog::level::level_enum level, std::function<void()> on_done) {
    transport::Descriptor d(ex, fd.release());
    std::string pending;
    char buf[16 * 1024];
    for (;;) {
        ssize_t n = ::read(d.native_handle(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            boost::system::error_code ec;
            co_await d.async_wait(transport::Descriptor::wait_read,
                                  asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                break;
            }
            continue;
        }
        if (n <= 0) {
            break;  // EOF or error
        }
        pending.append(buf, static_cast<std::size_t>(n));
        std::size_t start = 0;
        for (;;) {
            auto nl = pending.find('\n', start);
            if (nl == std::string::npos) {
                break;
            }
            emit(*logger, level, std::string_view(pending).substr(start, nl - start));
            start = nl + 1;
        }
        pending.erase(0, start);
        while (pending.size() >= kMaxLine) {
            emit(*logger, level, std::string_view(pending).substr(0, kMaxLine));
            pending.erase(0, kMaxLine);
        }
    }
    if (!pending.empty()) {
        emit(*logger, level, pending);
    }
    if (on_done) {
        on_done();
    }
}

}  // namespace

void start_line_pump(transport::Executor ex, transport::UniqueFd fd,
                     std::shared_ptr<spdlog::logger> logger, spdlog::level::level_enum level,
                     std::function<void()> on_done) {
    if (!fd || !logger) {
        return;
    }
    asio::co_spawn(ex, pump(ex, std::move(fd), std::move(logger), level, std::move(on_done)),
                   asio::detached);
}

}  // namespace rr::process
