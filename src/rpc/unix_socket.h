#pragma once
// The unix-socket file policy of the RPC server (docs/rpc.md, "Unix sockets"):
// replace a stale socket, never a live one, never a file that is not a socket; remove the file
// on stop only while it is still the one we created. Plain POSIX, no Asio.
//
// Thread safety: stateless (the file system is shared, so the usual races apply: the checks
// make a mistake unlikely, not impossible).

#include <sys/types.h>

#include <boost/system/error_code.hpp>
#include <string>

namespace rr::rpc::detail {

/// Makes `path` free for bind(): nothing there, or a socket nobody accepts on (removed).
/// Errors: kRpcSocketInUse (a server accepts there), kRpcSocketNotSocket (a regular file,
/// directory, symlink, ...), name_too_long (over sun_path), or the errno of lstat/connect/unlink.
boost::system::error_code prepare_unix_socket_path(const std::string& path);

/// The identity of the file at `path` (false when there is none).
bool file_identity(const std::string& path, dev_t& dev, ino_t& ino);

/// Removes `path` when it is still the file (dev, ino).
void remove_if_same(const std::string& path, dev_t dev, ino_t ino) noexcept;

}  // namespace rr::rpc::detail
