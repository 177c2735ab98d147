#pragma once
// The codec view (protocol::HttpRequestContext) of a MappedRequest: used by the http plugin to
// encode each request and by bench/micro to measure the same work. RequestScratch: the
// per-connection buffers a handler reuses between the requests of a keep-alive connection.
//
// Thread safety: values owned by one coroutine or one connection; not shared.

#include <string>
#include <vector>

#include "http/mapping.h"
#include "protocol/http_payload.h"

namespace rr::http {

/// Holds the field views a protocol::HttpRequestContext spans over. context() borrows from this
/// object (headers, cookies, attributes) and from `mapped` (strings): both must outlive it.
/// parsed and uploads_json are left for the caller to set.
class RequestContextView {
public:
    RequestContextView() = default;
    explicit RequestContextView(const MappedRequest& mapped) { assign(mapped); }
    RequestContextView(const RequestContextView&) = delete;
    RequestContextView& operator=(const RequestContextView&) = delete;

    /// Points the context at `mapped`, reusing the capacity of the field vectors; parsed and
    /// uploads_json are reset.
    void assign(const MappedRequest& mapped);

    protocol::HttpRequestContext& context() noexcept { return ctx_; }

private:
    std::vector<protocol::HttpField> headers_;
    std::vector<protocol::HttpField> cookies_;
    std::vector<protocol::HttpField> attributes_;
    protocol::HttpRequestContext ctx_;
};

/// Owned by a connection and lent to its handler through Request::scratch(): the mapped
/// request, its codec view, the encoded context and the decoded worker response head are
/// rebuilt in place for each request, so a steady keep-alive request allocates nothing for
/// them. Contents are valid during one Handler::handle() call only (views borrow from that
/// request's head and from the worker's frames).
struct RequestScratch {
    MappedRequest mapped;
    RequestContextView view;
    std::string context;
    protocol::HttpResponseHead response;

    /// Buffers past this size are released after the request instead of being kept for the
    /// next one (one huge request must not pin its memory for the connection's life).
    static constexpr std::size_t kKeepBytes = 64 * 1024;
    /// Called by the owner between requests: drops oversized buffers.
    void trim() noexcept;
};

}  // namespace rr::http
