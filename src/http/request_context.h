#pragma once
// The codec view (protocol::HttpRequestContext) of a MappedRequest: used by the http plugin to
// encode each request and by bench/micro to measure the same work.
//
// Thread safety: a value owned by one coroutine; not shared.

#include <vector>

#include "http/mapping.h"
#include "protocol/http_payload.h"

namespace rr::http {

/// Holds the field views a protocol::HttpRequestContext spans over. context() borrows from this
/// object (headers, cookies, attributes) and from `mapped` (strings): both must outlive it.
/// parsed and uploads_json are left for the caller to set.
class RequestContextView {
public:
    explicit RequestContextView(const MappedRequest& mapped);
    RequestContextView(const RequestContextView&) = delete;
    RequestContextView& operator=(const RequestContextView&) = delete;

    protocol::HttpRequestContext& context() noexcept { return ctx_; }

private:
    std::vector<protocol::HttpField> headers_;
    std::vector<protocol::HttpField> cookies_;
    std::vector<protocol::HttpField> attributes_;
    protocol::HttpRequestContext ctx_;
};

}  // namespace rr::http
