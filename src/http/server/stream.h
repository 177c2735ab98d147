#pragma once
// What every byte-stream type offers the protocol sessions (PlainStream, TlsStream). The
// sessions are templates over their stream type, so these are plain member calls, not virtual:
//
//   read_some(buffer, ec)   awaitable<size_t>: some bytes, or ec (eof, cancelled, ...)
//   write_now(bufs, ec)     what the connection takes right now, without waiting: returns the
//                           bytes of `bufs` accepted (0 and no error when it would block)
//   write_pending()         true when accepted bytes are still waiting to go out (TLS: records
//                           encrypted but not yet sent); always false for a plain stream
//   write_all(bufs, ec)     awaitable<size_t>: the pending bytes, then all of `bufs`; returns
//                           the bytes of `bufs` written
//   shutdown_send(ec), cancel(), close(), is_open()
//
// A write that fails (ec set) means the peer is gone; the session stops writing.

#include <array>
#include <boost/asio/buffer.hpp>

namespace rr::http::server {

/// Up to three buffers written together (head, body, trailer) with one sendmsg.
using WriteBuffers = std::array<boost::asio::const_buffer, 3>;

}  // namespace rr::http::server
