#pragma once
// PoolHandler: answers HTTP requests with PHP workers (BEHAVIOUR.md §3, PROTOCOL.md §4).
//
// Per request, on the connection's I/O thread, with no thread hop:
//   1. the body: raw bytes, or a urlencoded/multipart form parsed into the JSON data tree
//      (uploads streamed to temp files that live until the response is done);
//   2. the request context (JSON or protobuf, the pool's codec) around the body → one frame;
//   3. the worker's frames → 1xx interim responses, then one response or a chunked stream
//      flushed frame by frame; a client that goes away makes the pool STOP the stream.
// RR-side failures answer `internal_error_code` (`No-Workers: true` when no worker became
// free); the error text goes into the body only with `pool.debug`.
//
// Thread safety: io_context thread only (the pool's and the connections' thread). With
// http.io_threads > 1 there is one PoolHandler per loop, each with its loop's pool shard; a job
// may run on another loop's shard (run_elsewhere), with one post there and one back per frame.

#include <spdlog/logger.h>

#include <memory>

#include "forms/form_parser.h"
#include "http/handler.h"
#include "plugins/http/shards.h"
#include "pool/pool.h"
#include "protocol/http_payload.h"

namespace rr::plugins {

/// `http.retry` [rr]: a request whose worker crashed, was killed (exec_ttl) or sent a broken
/// frame before any frame of its answer was delivered runs once more on another worker when:
enum class RetryPolicy {
    kOff,         ///< never
    kIdempotent,  ///< its method is idempotent (RFC 9110 §9.2.2: GET HEAD OPTIONS TRACE PUT DELETE)
    kAll,         ///< always (the body is buffered, so it can be sent again)
};

/// The request codec: the first one the workers advertise that we speak; JSON without one.
protocol::HttpCodec negotiate_codec(const std::vector<std::string>& advertised);

/// Whether `method` may run again under `policy` (see RetryPolicy).
bool may_retry(RetryPolicy policy, std::string_view method) noexcept;

class PoolHandler final : public http::Handler {
public:
    struct Options {
        int internal_error_code = 500;
        bool debug = false;        ///< pool.debug: error texts in response bodies
        bool raw_body = false;     ///< http.raw_body: never parse forms
        bool access_logs = false;  ///< the richer "http access log" line
        protocol::HttpCodec codec = protocol::HttpCodec::kJson;
        forms::FormSettings forms;
        /// Which requests run once more on another worker when theirs was lost before
        /// answering anything (http.retry, docs/http.md "Safe retry").
        RetryPolicy retry = RetryPolicy::kIdempotent;
        /// http.io_threads > 1: every loop's shard (outlives the handler) and this loop's
        /// index in it. Null: one loop, the pool is the only one (no stealing).
        const ShardSet* shards = nullptr;
        std::size_t shard_index = 0;
    };

    /// `pool` and `log` must be non-null.
    PoolHandler(std::shared_ptr<pool::Pool> pool, Options options,
                std::shared_ptr<spdlog::logger> log);

    boost::asio::awaitable<void> handle(http::Request& request,
                                        http::ResponseWriter& writer) override;
    void on_complete(const http::Request& request, const http::Completion& done) noexcept override;

private:
    /// Relays the worker's frames to the client. Returns when the response is complete or
    /// abandoned (client gone → the stream was stopped).
    /// `head`: where each frame's context is decoded (the connection's scratch, reused).
    /// `Stream`: pool::ResponseStream, or RemoteStream for a job on another loop's shard.
    template <class Stream>
    boost::asio::awaitable<void> relay(Stream& stream, http::ResponseWriter& writer,
                                       protocol::HttpResponseHead& head);
    /// io_threads > 1, this loop's shard has no idle worker: the job runs on `shard` (another
    /// loop's, which has one); its frames come back here (shards.h).
    boost::asio::awaitable<void> run_elsewhere(const PoolShard& shard, http::Request& request,
                                               const pool::Payload& payload,
                                               http::ResponseWriter& writer,
                                               protocol::HttpResponseHead& head);
    /// `internal_error_code` for an RR-side failure (see file comment).
    boost::asio::awaitable<void> fail(http::ResponseWriter& writer, boost::system::error_code ec,
                                      std::string_view worker_error);
    boost::asio::awaitable<void> plain(http::ResponseWriter& writer, int status, std::string body);

    std::shared_ptr<pool::Pool> pool_;
    Options options_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace rr::plugins
