#include "transport/handshake.h"

#include <unistd.h>

#include "protocol/control.h"
#include "transport/async_event.h"

namespace rr::transport {

Result<protocol::PidReply> parse_pid_reply(const Frame& frame) {
    protocol::FrameView view;
    view.header = frame.header;
    view.options = frame.options;
    view.payload = std::as_bytes(std::span(frame.payload.data(), frame.payload.size()));
    auto reply = protocol::parse_pid_reply(view);
    if (!reply) {
        return reply.error();
    }
    if (reply.value().pid > 0x7fffffff) {
        return make_error_code(errc::kFrameBadControl);
    }
    return std::move(reply).value();
}

Awaitable<Result<protocol::PidReply>> handshake(Relay& relay, TimePoint deadline) {
    Watchdog watchdog(relay.executor());
    watchdog.arm(deadline, [&relay] { relay.cancel(); });
    const std::string payload = protocol::pid_request_json(::getpid());
    const std::string_view parts[] = {payload};
    auto ec = co_await relay.write_frame(protocol::kControlFlags, 0, {}, parts);
    if (ec) {
        co_return watchdog.fired() ? make_error_code(errc::kHandshakeTimeout) : ec;
    }
    auto frame = co_await relay.read_frame(64 * 1024);
    watchdog.disarm();
    if (!frame) {
        co_return watchdog.fired() ? make_error_code(errc::kHandshakeTimeout) : frame.error();
    }
    auto reply = parse_pid_reply(frame.value());
    if (!reply) {
        co_return make_error_code(errc::kHandshakeFailed);
    }
    co_return std::move(reply).value();
}

Awaitable<boost::system::error_code> send_stop_command(Relay& relay) {
    const std::string_view parts[] = {protocol::kStopJson};
    co_return co_await relay.write_frame(protocol::kControlFlags, 0, {}, parts);
}

}  // namespace rr::transport
