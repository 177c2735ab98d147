#include "http/request_context.h"

namespace rr::http {

RequestContextView::RequestContextView(const MappedRequest& mapped) {
    headers_.reserve(mapped.headers.size());
    for (const auto& h : mapped.headers) headers_.push_back({h.name, h.value});
    cookies_.reserve(mapped.cookies.size());
    for (const auto& c : mapped.cookies) cookies_.push_back({c.name, c.value});
    attributes_.reserve(mapped.attributes.size());
    for (const auto& a : mapped.attributes) attributes_.push_back({a.name, a.value});
    ctx_.remote_addr = mapped.remote_addr;
    ctx_.protocol = mapped.protocol;
    ctx_.method = mapped.method;
    ctx_.uri = mapped.uri;
    ctx_.raw_query = mapped.raw_query;
    ctx_.headers = headers_;
    ctx_.cookies = cookies_;
    ctx_.attributes = attributes_;
}

}  // namespace rr::http
