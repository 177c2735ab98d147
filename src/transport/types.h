#pragma once
// Executor and I/O object types shared by transport/, process/, worker/ and pool/.
//
// Everything in these modules runs on ONE io_context thread (docs/architecture.md, "Threads").
// The I/O objects use the concrete io_context executor so the hot path avoids the type-erased
// any_io_executor; coroutines use the default asio::awaitable<T> so callers can co_await them.

// clang-format off
#include <utility>  // before awaitable.hpp: Boost 1.74 uses std::exchange without it
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/basic_stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

namespace rr::transport {

namespace asio = boost::asio;

using Executor = asio::io_context::executor_type;
using Descriptor = asio::posix::basic_stream_descriptor<Executor>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;
using Clock = std::chrono::steady_clock;
using Duration = Clock::duration;
using TimePoint = Clock::time_point;

template <class T>
using Awaitable = asio::awaitable<T>;

}  // namespace rr::transport
