#pragma once
/// Awaiting a capability's ControlDone from a coroutine (the RPC handlers of informer and
/// resetter do this):
///
///   const auto ec = co_await await_control(io.get_executor(),
///                                          [&](ControlDone done) { plugin->reset(done); });
///
/// The completion is posted, so a capability that calls done() inside its own call does not
/// resume the coroutine in the middle of that call.
///
/// Thread safety: the main io_context thread (as every capability call).

// clang-format off
#include <utility>  // before awaitable.hpp: Boost 1.74 uses std::exchange without it
// clang-format on

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <memory>

#include "plugins/api/capabilities.h"

namespace rr::plugins {

/// Calls `start(done)` and completes with the error_code given to done (empty on success).
template <class Executor>
boost::asio::awaitable<boost::system::error_code> await_control(
    Executor ex, std::function<void(ControlDone)> start) {
    namespace asio = boost::asio;
    boost::system::error_code result;
    auto token = asio::redirect_error(asio::use_awaitable, result);
    co_await asio::async_initiate<decltype(token), void(boost::system::error_code)>(
        [ex, start = std::move(start)](auto handler) mutable {
            // ControlDone is a std::function (copyable); the coroutine's handler is move-only.
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            start([ex, shared](boost::system::error_code ec) {
                asio::post(ex, [shared, ec]() mutable { (*shared)(ec); });
            });
        },
        token);
    co_return result;
}

}  // namespace rr::plugins
