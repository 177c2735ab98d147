#pragma once
// Middleware: the seam between the connection layer and the application handler (STYLE.md
// §12.2, docs/http.md "Middleware"). Protocol-agnostic: a middleware sees the same Request and
// ResponseWriter whatever the transport (HTTP/1.1 today, HTTP/2 under the same interface).
//
// A middleware's handle() may
//   - answer by itself through `writer` (a static file, a CORS preflight) and not call `next`;
//   - pass the request on: `co_await next(request, writer)`;
//   - pass it on with a decorated writer (a ForwardingWriter subclass on its own coroutine
//     frame) that changes what it needs (compression, added headers, X-Sendfile).
// `next` is called at most once, before handle() returns; the writer handed to it must live
// until that call completes.
//
// MiddlewareChain is the Handler the server sees: the middleware in order (outermost first)
// around the application handler (the PHP PoolHandler), which is the innermost link.
// on_complete() reaches the application handler only for requests that reached it (as
// upstream, where the access log sits inside the user chain: static hits and CORS preflights
// are not logged).
//
// Thread safety: a chain and its middleware are shared by every connection of a server and
// called on the connections' I/O thread(s); middleware keep per-request state on their
// coroutine frames and guard any shared cache themselves.

// clang-format off
#include <utility>  // boost/asio/awaitable.hpp (1.74) uses std::exchange unincluded
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <memory>
#include <vector>

#include "http/handler.h"

namespace rr::http {

class MiddlewareChain;

/// The rest of the chain after one middleware. A cheap value; valid during the middleware's
/// handle() only.
class Next {
public:
    /// Runs the next middleware, or the application handler after the last one.
    boost::asio::awaitable<void> operator()(Request& request, ResponseWriter& writer) const;

private:
    friend class MiddlewareChain;
    Next(const MiddlewareChain* chain, std::size_t index) : chain_(chain), index_(index) {}

    const MiddlewareChain* chain_;  // the chain running this request; outlives the call
    std::size_t index_;
};

class Middleware {
public:
    virtual ~Middleware() = default;
    /// See the file comment. Must not throw for anything a client or worker can cause.
    virtual boost::asio::awaitable<void> handle(Request& request, ResponseWriter& writer,
                                                Next next) = 0;
};

class MiddlewareChain final : public Handler {
public:
    /// `outermost_first`: the order a request passes through them (RoadRunner's stable line
    /// wraps `http.middleware` left to right, so the LAST listed name comes first here; the
    /// caller decides). `app` must outlive the chain.
    MiddlewareChain(std::vector<std::shared_ptr<Middleware>> outermost_first, Handler& app)
        : middleware_(std::move(outermost_first)), app_(app) {}

    boost::asio::awaitable<void> handle(Request& request, ResponseWriter& writer) override;
    void on_complete(const Request& request, const Completion& done) noexcept override;

    std::size_t size() const noexcept { return middleware_.size(); }

private:
    friend class Next;
    boost::asio::awaitable<void> run(std::size_t index, Request& request,
                                     ResponseWriter& writer) const;

    std::vector<std::shared_ptr<Middleware>> middleware_;
    Handler& app_;
};

}  // namespace rr::http
