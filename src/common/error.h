#pragma once
// The project's one error vocabulary (docs/architecture.md, "Errors").
//
// Data-path code (protocol, transport, pool, http) never throws: it returns rr::Result<T> or
// reports a boost::system::error_code. rr::errc values are registered as an error-code enum,
// so frame and pool errors travel in the same type as Asio's socket errors.
// Start-up code (config, plugin init) throws rr::ConfigError instead (see config/).
//
// Thread safety: everything here is stateless and safe from any thread.

#include <boost/system/error_code.hpp>

#include <string_view>
#include <type_traits>

namespace rr {

enum class errc {
    kOk = 0,

    // --- goridge frames (protocol/) ---
    kFrameShortHeader = 1,     ///< fewer than 12 bytes where a frame header was expected
    kFrameBadHeaderLength,     ///< header length nibble below 3
    kFrameCrcMismatch,         ///< header CRC-32 over bytes 0..5 does not match (often stray stdout)
    kFrameTooLarge,            ///< payload length above the configured limit
    kFrameTruncated,           ///< options or payload shorter than the header announced
    kFrameBadOptions,          ///< a data frame without exactly one option, or context > payload
    kFrameNotControl,          ///< a handshake answer without the CONTROL flag
    kFrameBadControl,          ///< a control payload that is not the expected JSON

    // --- worker processes (process/, transport/, worker/) ---
    kSpawnFailed = 100,        ///< fork/exec of the worker command failed
    kHandshakeFailed,          ///< the worker did not answer the PID request correctly
    kHandshakeTimeout,         ///< the worker did not answer within allocate_timeout
    kWorkerExited,             ///< the worker process exited or closed its relay
    kWorkerSoftError,          ///< the worker answered with an ERROR frame (worker is kept)
    kWorkerStopRequested,      ///< the worker asked to be restarted ({"stop":true}); job retried
    kExecTtl,                  ///< the job ran longer than supervisor.exec_ttl; worker killed
    kStreamStopped,            ///< the consumer stopped a streamed response
    kWorkerLost,               ///< the worker died/was killed before any frame of its answer was
                               ///< delivered: nothing reached the caller (safe to run again)

    // --- pool (pool/) ---
    kNoFreeWorkers = 200,      ///< no worker became free within allocate_timeout
    kQueueFull,                ///< max_queue_size requests are already waiting
    kPoolStopped,              ///< the pool is being destroyed or reset and takes no new jobs
    kEmptyPayload,             ///< a job with neither context nor body
    kMaxWorkers,               ///< informer.AddWorker on a pool that already has 500 workers

    // --- HTTP (http/) ---
    kHttpBadRequest = 300,     ///< malformed request or smuggling attempt (400)
    kHttpHeadersTooLarge,      ///< request line + headers over the limit (431)
    kHttpBodyTooLarge,         ///< body over max_request_size (413)
    kHttpTimeout,              ///< header, body, idle or write timeout
    kHttpBadWorkerStatus,      ///< the worker answered a status outside 100..599
    kHttpBadWorkerResponse,    ///< the worker's response context could not be decoded

    // --- forms and uploads (forms/) ---
    kFormBadContentType = 400, ///< multipart Content-Type without a usable boundary parameter
    kFormMalformed,            ///< bad urlencoded escape, or broken multipart framing/part headers
    kFormTruncated,            ///< multipart body ended before the closing boundary
    kFormTooLarge,             ///< a form limit was exceeded (field bytes, header bytes, parts)
    kFormInvalidTree,          ///< a field name used both as a value and as a branch

    // --- goridge RPC (rpc/) ---
    kRpcBadOptions = 500,      ///< an RPC frame without exactly 2 options [seq, method length]
    kRpcBadMethodLength,       ///< the method length option exceeds the payload
    kRpcSocketNotSocket,       ///< the unix socket path exists and is not a socket
    kRpcSocketInUse,           ///< a live server already listens on the unix socket path
};

/// The category that gives rr::errc values their text ("frame crc mismatch", ...).
const boost::system::error_category& error_category() noexcept;

/// Short lower-case description of a value, for logs.
std::string_view to_string(errc e) noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace rr

namespace boost::system {
template <>
struct is_error_code_enum<rr::errc> : std::true_type {};
}  // namespace boost::system
