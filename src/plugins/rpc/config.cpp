// Decoder of the `rpc` section (see config.h).

#include "plugins/rpc/config.h"

namespace rr::plugins {

using config::MapReader;

RpcConfig decode_rpc_config(const config::Node& v, const std::string& path,
                            const config::DecodeContext& ctx) {
    RpcConfig cfg;
    cfg.listen = *config::parse_endpoint(kDefaultRpcListen);
    MapReader r(v, path, ctx);
    if (const config::Node* listen = r.take("listen")) {
        const std::string text = config::as_string(*listen, r.child("listen"));
        if (!text.empty()) {
            const bool has_scheme = text.rfind("tcp://", 0) == 0 || text.rfind("unix://", 0) == 0;
            auto ep = has_scheme ? config::parse_endpoint(text) : std::nullopt;
            if (!ep) {
                config::fail_expected(r.child("listen"), "\"tcp://host:port\" or \"unix://path\"",
                                      *listen);
            }
            cfg.listen = std::move(*ep);
        }
    }
    r.ignore_with_warning("request_timeout", "not served by this build (the read timeout is 30s)");
    r.ignore_with_warning("tls", "not served by this build; the RPC listener is plain");
    r.finish();
    return cfg;
}

}  // namespace rr::plugins
