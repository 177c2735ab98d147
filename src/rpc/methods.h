#pragma once
// The RPC method table: handlers registered by full name "Service.Method", looked up with Go
// net/rpc's rules and error texts (docs/rpc.md, "Methods").
//
//   rpc::MethodTable& table = server.methods();
//   table.add("resetter.Reset", [this](const rpc::Call& call) -> asio::awaitable<rpc::Reply> {
//       auto name = rpc::json_argument<std::string>(call);      // rpc/json.h
//       if (!name) co_return rpc::Reply::failure(name.error());
//       ... co_await the reset ...
//       co_return rpc::json_reply(call, true);
//   });
//
// A handler runs on the server's io_context. The Call it receives stays valid until the
// handler's awaitable completes; the server keeps a copy of the handler object alive for as
// long, so a coroutine lambda's captures are safe. An exception that escapes a handler becomes
// an error reply (it never reaches the connection).
//
// Thread safety: the table is used on the io_context thread only; register methods before
// Server::start() or on that thread.

// clang-format off
#include <utility>  // before awaitable.hpp: Boost 1.74 uses std::exchange without it
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rpc/codec.h"

namespace rr::rpc {

/// One call as a handler sees it.
struct Call {
    std::uint32_t seq = 0;
    Codec codec = Codec::kJson;  ///< json, raw or proto (the server answers others itself)
    std::string method;          ///< "Service.Method"
    std::string body;            ///< the encoded argument (may be empty)
};

/// What a handler answers: reply bytes (already encoded in the call's codec) or an error text.
class Reply {
public:
    /// An empty success (Asio needs a default-constructible result type).
    Reply() = default;
    static Reply success(std::string body) { return Reply(false, std::move(body)); }
    /// `message` reaches PHP as ServiceException("Error '<message>' on <relay>").
    static Reply failure(std::string message) { return Reply(true, std::move(message)); }

    bool is_error() const noexcept { return error_; }
    /// The reply body, or the error text when is_error().
    const std::string& data() const& noexcept { return data_; }
    std::string&& data() && noexcept { return std::move(data_); }

private:
    Reply(bool error, std::string data) : error_(error), data_(std::move(data)) {}
    bool error_ = false;
    std::string data_;
};

using Handler = std::function<boost::asio::awaitable<Reply>(const Call&)>;
using SyncHandler = std::function<Reply(const Call&)>;

class MethodTable {
public:
    /// Registers `full_name` = "Service.Method" (split at the last dot, as Go does). Throws
    /// std::invalid_argument for an empty service or method part, a missing dot, an empty
    /// handler, or a name already registered (start-up code: may throw).
    void add(std::string full_name, Handler handler);
    /// add() for a handler that answers without suspending.
    void add_sync(std::string full_name, SyncHandler handler);

    /// Result of find(): the handler, or the Go net/rpc error text for the name.
    struct Lookup {
        const Handler* handler = nullptr;  ///< owned by the table; valid until it changes
        std::string error;                 ///< set when handler is null
    };
    /// "rpc: service/method request ill-formed: X" without a dot, "rpc: can't find service X"
    /// when no method of that service exists, "rpc: can't find method X" otherwise.
    Lookup find(std::string_view method) const;

    /// Every registered name, sorted.
    std::vector<std::string> names() const;
    bool empty() const noexcept { return methods_.empty(); }

private:
    std::map<std::string, Handler, std::less<>> methods_;
    std::map<std::string, int, std::less<>> services_;  ///< service -> number of methods
};

}  // namespace rr::rpc
