#pragma once
// The server layer's loops: one accept loop per listener, one sweep loop per server, and the
// start of each accepted connection (peer facts, socket options, which session serves it).
//
// Executor: the server's io_context thread.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "http/server/connection.h"

namespace rr::http::server {

class Listener;

/// Accepts until the listener closes or the server stops; each connection runs in its own
/// coroutine. Beyond settings.max_connections a client gets a best-effort 503 and a close.
asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> state, Listener& listener);

/// Every sweep interval (a quarter of the shortest timeout, 5 ms .. 1 s), expires the
/// connections whose deadline has passed. Ends once the server stopped and no connection is left.
asio::awaitable<void> sweep_loop(std::shared_ptr<ServerState> state);

/// The sweep period for `settings`.
Clock::duration sweep_interval(const ServerSettings& settings);

}  // namespace rr::http::server
