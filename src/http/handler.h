#pragma once
// Handler: the seam between the connection layer and whatever produces responses (the worker
// pool, a test fake). One call per request, on the connection's I/O thread; the connection
// waits for it (requests on one connection are handled in order).
//
// Contract: handle() answers through the writer. If it returns without a complete response,
// the connection answers for it: the body-error status (400/408/413) after a failed body read,
// else `internal_error_code` with an empty body; if a head was already sent, the connection is
// closed instead. An exception escaping handle() is caught, logged, and treated the same way.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>

#include "http/request.h"
#include "http/response_writer.h"

namespace rr::http {

/// Facts about one finished request, for access logs and metrics (BEHAVIOUR.md §3.11).
struct Completion {
    int status = 0;  ///< final status sent (0 if none)
    std::uint64_t body_bytes_read = 0;
    std::uint64_t bytes_written = 0;  ///< response bytes incl. heads
    std::chrono::system_clock::time_point start;
    std::chrono::steady_clock::duration elapsed{};
    bool client_gone = false;
};

class Handler {
public:
    virtual ~Handler() = default;
    virtual boost::asio::awaitable<void> handle(Request& request, ResponseWriter& writer) = 0;
    /// Called after each request that reached handle(). Must not throw.
    virtual void on_complete(const Request& /*request*/, const Completion& /*done*/) noexcept {}
};

}  // namespace rr::http
