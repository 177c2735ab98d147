#pragma once
// Handover: what an HTTP/1.1 session passes on when its connection turns into HTTP/2 (h2c):
// the client sent the HTTP/2 preface instead of a request (prior knowledge), or asked for
// `Upgrade: h2c` and got 101 Switching Protocols. The server layer then starts an HTTP/2
// session on the same stream with these bytes.

#include <string>

#include "http/request_head.h"

namespace rr::http::server {

struct Handover {
    enum class Kind { kNone, kH2PriorKnowledge, kH2Upgrade };
    Kind kind = Kind::kNone;
    std::string buffered;        ///< bytes read and not consumed (the preface and what follows)
    std::string http2_settings;  ///< kH2Upgrade: the decoded HTTP2-Settings payload
    RequestHead head;            ///< kH2Upgrade: the request that becomes stream 1
};

}  // namespace rr::http::server
