#pragma once
// rpc::Client: a small blocking goridge RPC client for the CLI (`rr reset`, `rr workers`).
// Plain sockets with poll() deadlines; one call at a time; JSON codec by default.
//
//   auto client = rpc::Client::connect(endpoint, 5s);
//   if (!client) { fmt::print(stderr, "{}\n", client.error().message); return 1; }
//   auto reply = client.value().call("informer.Workers", "http", 30s);
//
// Each reply is checked: a whole frame with a good CRC, 2 options, the seq of the request,
// method length within the payload; an ERROR flag makes the call fail with the server's text.
// After a timeout or a broken reply the connection is closed (a late reply would answer the
// wrong call), and later calls fail with kClosed.
//
// Thread safety: one thread at a time per Client. No SIGPIPE: sends use MSG_NOSIGNAL.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "rpc/codec.h"
#include "rpc/endpoint.h"
#include "rpc/expected.h"

namespace rr::rpc {

struct ClientError {
    enum class Kind {
        kConnect,   ///< could not connect ("... connection refused; is the server running?")
        kTimeout,   ///< connect or call deadline passed
        kClosed,    ///< the server closed the connection, or an earlier error did
        kProtocol,  ///< the reply is not a valid RPC frame for this call
        kService,   ///< the server answered with an error (message = its text, verbatim)
    };
    Kind kind;
    std::string message;  ///< one line, ready to print
};

class Client {
public:
    using Millis = std::chrono::milliseconds;

    /// Connects within `timeout` (name resolution for TCP hosts is not bounded by it).
    /// An empty TCP host means 127.0.0.1.
    static Expected<Client, ClientError> connect(const Endpoint& endpoint, Millis timeout);

    Client(Client&& other) noexcept;
    Client& operator=(Client&& other) noexcept;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();

    /// Calls `method` with `argument` in the JSON codec and decodes the JSON reply.
    Expected<nlohmann::json, ClientError> call(std::string_view method,
                                               const nlohmann::json& argument, Millis timeout);

    /// Calls `method` with an already encoded body; returns the reply body as sent.
    Expected<std::string, ClientError> call_raw(std::string_view method, Codec codec,
                                                std::string_view body, Millis timeout);

    const Endpoint& endpoint() const noexcept { return endpoint_; }
    bool is_open() const noexcept { return fd_ >= 0; }
    void close() noexcept;

    /// Replies larger than this are refused (kProtocol) without being read.
    void set_max_reply_size(std::uint32_t bytes) noexcept { max_reply_size_ = bytes; }

private:
    Client(Endpoint endpoint, int fd) : endpoint_(std::move(endpoint)), fd_(fd) {}
    ClientError fail(ClientError::Kind kind, std::string message);

    Endpoint endpoint_;
    int fd_ = -1;
    std::uint32_t seq_ = 0;
    std::uint32_t max_reply_size_ = 256u << 20;
};

}  // namespace rr::rpc
