#include "http/middleware.h"

namespace rr::http {

// No coroutine frames of our own: each step returns the next link's awaitable directly, so a
// chain of N middleware costs N frames (theirs), not 2N.

boost::asio::awaitable<void> Next::operator()(Request& request, ResponseWriter& writer) const {
    return chain_->run(index_, request, writer);
}

boost::asio::awaitable<void> MiddlewareChain::handle(Request& request, ResponseWriter& writer) {
    return run(0, request, writer);
}

boost::asio::awaitable<void> MiddlewareChain::run(std::size_t index, Request& request,
                                                  ResponseWriter& writer) const {
    if (index < middleware_.size()) {
        return middleware_[index]->handle(request, writer, Next(this, index + 1));
    }
    request.mark_reached_app();
    return app_.handle(request, writer);
}

void MiddlewareChain::on_complete(const Request& request, const Completion& done) noexcept {
    if (request.reached_app()) app_.on_complete(request, done);
}

}  // namespace rr::http
