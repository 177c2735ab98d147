#include "rpc/methods.h"

#include <stdexcept>

namespace rr::rpc {

void MethodTable::add(std::string full_name, Handler handler) {
    const auto dot = full_name.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == full_name.size()) {
        throw std::invalid_argument("rpc: method name must be Service.Method: " + full_name);
    }
    if (!handler) {
        throw std::invalid_argument("rpc: empty handler for " + full_name);
    }
    if (methods_.count(full_name) != 0) {
        throw std::invalid_argument("rpc: method already defined: " + full_name);
    }
    ++services_[full_name.substr(0, dot)];
    methods_.emplace(std::move(full_name), std::move(handler));
}

void MethodTable::add_sync(std::string full_name, SyncHandler handler) {
    if (!handler) {
        throw std::invalid_argument("rpc: empty handler for " + full_name);
    }
    add(std::move(full_name),
        [handler = std::move(handler)](const Call& call) -> boost::asio::awaitable<Reply> {
            co_return handler(call);
        });
}

MethodTable::Lookup MethodTable::find(std::string_view method) const {
    Lookup out;
    const auto dot = method.rfind('.');
    if (dot == std::string_view::npos) {
        out.error = ill_formed_error(method);
        return out;
    }
    if (auto it = methods_.find(method); it != methods_.end()) {
        out.handler = &it->second;
        return out;
    }
    if (services_.find(method.substr(0, dot)) == services_.end()) {
        out.error = unknown_service_error(method);
    } else {
        out.error = unknown_method_error(method);
    }
    return out;
}

std::vector<std::string> MethodTable::names() const {
    std::vector<std::string> out;
    out.reserve(methods_.size());
    for (const auto& [name, handler] : methods_) out.push_back(name);
    return out;
}

}  // namespace rr::rpc
