#include "common/error.h"

#include <string>

namespace rr {

std::string_view to_string(errc e) noexcept {
    switch (e) {
        case errc::kOk: return "ok";
        case errc::kFrameShortHeader: return "frame header shorter than 12 bytes";
        case errc::kFrameBadHeaderLength: return "frame header length below 3 words";
        case errc::kFrameCrcMismatch: return "frame crc mismatch";
        case errc::kFrameTooLarge: return "frame payload over the size limit";
        case errc::kFrameTruncated: return "frame truncated";
        case errc::kFrameBadOptions: return "frame options invalid";
        case errc::kFrameNotControl: return "expected a control frame";
        case errc::kFrameBadControl: return "invalid control payload";
        case errc::kSpawnFailed: return "failed to spawn worker";
        case errc::kHandshakeFailed: return "worker handshake failed";
        case errc::kHandshakeTimeout: return "worker handshake timed out";
        case errc::kWorkerExited: return "worker exited";
        case errc::kWorkerSoftError: return "worker reported an error";
        case errc::kWorkerStopRequested: return "worker asked to be stopped";
        case errc::kExecTtl: return "exec_ttl reached";
        case errc::kStreamStopped: return "stream stopped";
        case errc::kWorkerLost: return "worker lost before answering (nothing was delivered)";
        case errc::kNoFreeWorkers: return "no free workers";
        case errc::kQueueFull: return "max queue size reached";
        case errc::kPoolStopped: return "pool stopped";
        case errc::kEmptyPayload: return "payload can not be empty";
        case errc::kMaxWorkers: return "container is full, maximum number of workers reached";
        case errc::kHttpBadRequest: return "bad request";
        case errc::kHttpHeadersTooLarge: return "request header fields too large";
        case errc::kHttpBodyTooLarge: return "request body too large";
        case errc::kHttpTimeout: return "timeout";
        case errc::kHttpBadWorkerStatus: return "unknown status code from worker";
        case errc::kHttpBadWorkerResponse: return "invalid response from worker";
        case errc::kFormBadContentType: return "invalid multipart content type";
        case errc::kFormMalformed: return "malformed form body";
        case errc::kFormTruncated: return "form body truncated";
        case errc::kFormTooLarge: return "form over the size limit";
        case errc::kFormInvalidTree: return "invalid multiple values to key in tree";
        case errc::kRpcBadOptions: return "should be 2 options. SEQ_ID and METHOD_LEN";
        case errc::kRpcBadMethodLength: return "rpc method length exceeds the payload";
        case errc::kRpcSocketNotSocket: return "the path exists and is not a socket (not replaced)";
        case errc::kRpcSocketInUse: return "another server is listening on this socket";
    }
    return "unknown error";
}

namespace {

class Category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "rr"; }
    std::string message(int ev) const override { return std::string(to_string(static_cast<errc>(ev))); }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace rr
