#pragma once
// Control messages on a relay: the PID handshake (PROTOCOL.md §3.2) and the stop command (§3.5).
// The payloads and their checks come from protocol/control.h; this file only drives a Relay.
//
// Thread safety / executor: io_context thread only (they drive a Relay).

#include <string>

#include "common/result.h"
#include "protocol/control.h"
#include "transport/relay.h"
#include "transport/types.h"

namespace rr::transport {

/// Validates a worker's answer to the PID request with protocol::parse_pid_reply (CONTROL flag
/// set, a JSON object with an integer "pid" > 0, optional "codecs"), and also rejects a pid
/// that does not fit a pid_t. Errors: kFrameNotControl, kFrameBadControl.
Result<protocol::PidReply> parse_pid_reply(const Frame& frame);

/// Sends our PID request and reads the worker's reply, both before `deadline`.
/// Returns the worker's reply (pid, codecs). Errors: kHandshakeTimeout, kHandshakeFailed (bad reply),
/// kWorkerExited (EOF), or the relay's errors.
Awaitable<Result<protocol::PidReply>> handshake(Relay& relay, TimePoint deadline);

/// Sends the stop command (CONTROL|JSON `{"stop":true}`).
Awaitable<boost::system::error_code> send_stop_command(Relay& relay);

}  // namespace rr::transport
