// Decoder of the `server` section (see config.h).

#include "plugins/server/config.h"

#include <algorithm>
#include <cctype>

namespace rr::plugins {

using config::MapReader;

namespace {

std::map<std::string, std::string> upper_keys(const std::map<std::string, std::string>& in) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : in) {
        std::string key = k;
        std::transform(key.begin(), key.end(), key.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        out[key] = v;
    }
    return out;
}

}  // namespace

ServerConfig decode_server_config(const config::Node& v, const std::string& path,
                                  const config::DecodeContext& ctx) {
    ServerConfig cfg;
    MapReader r(v, path, ctx);

    const config::Node* command = r.take("command");
    if (command == nullptr) {
        config::fail(r.child("command"), "required (the worker command, e.g. \"php worker.php\")");
    }
    cfg.command = config::as_command(*command, r.child("command"));
    r.read("user", cfg.user);
    r.read("group", cfg.group);
    std::map<std::string, std::string> env;
    if (r.read("env", env)) {
        cfg.env = upper_keys(env);
    }

    if (const config::Node* relay = r.take("relay")) {
        const std::string text = config::as_string(*relay, r.child("relay"));
        if (text != "pipes") {
            const bool prefixed = text.rfind("tcp://", 0) == 0 || text.rfind("unix://", 0) == 0;
            auto ep = prefixed ? config::parse_endpoint(text) : std::nullopt;
            if (!ep) {
                config::fail_expected(r.child("relay"),
                                      "\"pipes\", \"tcp://host:port\" or \"unix://path\"", *relay);
            }
            cfg.relay = std::move(ep);
        }
        cfg.relay_text = text;
    }
    r.ignore("relay_timeout");  // no-op upstream since v2024.1

    if (const config::Node* on_init = r.take("on_init")) {
        OnInitConfig init;
        MapReader ir(*on_init, r.child("on_init"), ctx);
        const config::Node* cmd = ir.take("command");
        if (cmd == nullptr) {
            config::fail(ir.child("command"), "required when on_init is present");
        }
        init.command = config::as_command(*cmd, ir.child("command"));
        ir.read_or_default("exec_timeout", init.exec_timeout);
        ir.read("exit_on_error", init.exit_on_error);
        std::map<std::string, std::string> init_env;
        if (ir.read("env", init_env)) {
            init.env = upper_keys(init_env);
        }
        ir.read("user", init.user);
        ir.finish();
        cfg.on_init = std::move(init);
    }
    r.finish();
    return cfg;
}

std::string rpc_address(const config::Config& config) {
    const config::Node* rpc = config.section("rpc");
    if (rpc == nullptr) {
        return {};
    }
    if (rpc->is_map()) {
        if (const config::Node* listen = rpc->find_nocase("listen");
            listen != nullptr && listen->is_scalar() && !listen->scalar.empty()) {
            return listen->scalar;
        }
    }
    return "tcp://127.0.0.1:6001";
}

}  // namespace rr::plugins
