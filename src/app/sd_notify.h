#pragma once
// systemd readiness notification (BEHAVIOUR.md §2.1): when $NOTIFY_SOCKET is set, `rr serve`
// sends READY=1 once started, STOPPING=1 on the first stop signal, and WATCHDOG=1 every
// endure.watchdog_sec / 2 when that is > 0.
//
// Thread safety: safe from any thread (one datagram per call, no shared state).

#include <string_view>

namespace rr::app {

/// Sends `state` (e.g. "READY=1") to $NOTIFY_SOCKET (a path, or "@name" for the abstract
/// namespace). Returns false if the variable is unset or the send failed; never throws.
bool sd_notify(std::string_view state) noexcept;

}  // namespace rr::app
