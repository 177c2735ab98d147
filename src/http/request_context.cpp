#include "http/request_context.h"

namespace rr::http {

void RequestContextView::assign(const MappedRequest& mapped) {
    headers_.clear();
    headers_.reserve(mapped.headers.size());
    for (const auto& h : mapped.headers) headers_.push_back({h.name, h.value});
    cookies_.clear();
    cookies_.reserve(mapped.cookies.size());
    for (const auto& c : mapped.cookies) cookies_.push_back({c.name, c.value});
    attributes_.clear();
    attributes_.reserve(mapped.attributes.size());
    for (const auto& a : mapped.attributes) attributes_.push_back({a.name, a.value});
    ctx_ = protocol::HttpRequestContext{};
    ctx_.remote_addr = mapped.remote_addr;
    ctx_.protocol = mapped.protocol;
    ctx_.method = mapped.method;
    ctx_.uri = mapped.uri;
    ctx_.raw_query = mapped.raw_query;
    ctx_.headers = headers_;
    ctx_.cookies = cookies_;
    ctx_.attributes = attributes_;
}

void RequestScratch::trim() noexcept {
    if (context.capacity() > kKeepBytes) std::string().swap(context);
    if (mapped.uri.capacity() > kKeepBytes) std::string().swap(mapped.uri);
    if (mapped.raw_query.capacity() > kKeepBytes) std::string().swap(mapped.raw_query);
    // The vectors hold views or small entries; their size follows the header count, which the
    // parser bounds (max_header_bytes).
    mapped.cookies.clear();
    mapped.attributes.clear();
    response.headers.clear();
    response.storage.reset();
}

}  // namespace rr::http
