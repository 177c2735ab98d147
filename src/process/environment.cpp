#include "process/environment.h"

#include <cctype>
#include <cstdlib>
#include <unordered_map>

#include "common/expand_env.h"

namespace rr::process {

std::vector<std::string> split_command(std::string_view command) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < command.size()) {
        while (i < command.size() && std::isspace(static_cast<unsigned char>(command[i]))) {
            ++i;
        }
        std::size_t start = i;
        while (i < command.size() && !std::isspace(static_cast<unsigned char>(command[i]))) {
            ++i;
        }
        if (i > start) {
            out.emplace_back(command.substr(start, i - start));
        }
    }
    return out;
}

std::string expand_env(std::string_view value) {
    return rr::expand_env(value, ExpandEnvOptions{.defaults = false, .digit_starts_name = true});
}

std::string upper_case(std::string_view key) {
    std::string out(key);
    for (auto& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> worker_env(const WorkerEnvInput& in) {
    std::vector<std::pair<std::string, std::string>> env;
    env.emplace_back("RR_RELAY", in.relay.empty() ? std::string("pipes") : in.relay);
    if (!in.rpc.empty()) {
        env.emplace_back("RR_RPC", in.rpc);
    }
    for (const auto& [k, v] : in.user_env) {
        env.emplace_back(upper_case(k), expand_env(v));
    }
    env.emplace_back("RR_VERSION", in.version);
    if (!in.mode.empty()) {
        env.emplace_back("RR_MODE", in.mode);
    }
    return env;
}

std::vector<std::string> merge_env(
    const char* const* base, const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::vector<std::string> out;
    std::unordered_map<std::string, std::size_t> index;
    for (const char* const* p = base; p && *p; ++p) {
        std::string_view kv(*p);
        auto eq = kv.find('=');
        std::string key(kv.substr(0, eq));
        auto [it, inserted] = index.emplace(key, out.size());
        if (inserted) {
            out.emplace_back(kv);
        } else {
            out[it->second] = std::string(kv);
        }
    }
    for (const auto& [k, v] : overrides) {
        std::string kv = k + "=" + v;
        auto [it, inserted] = index.emplace(k, out.size());
        if (inserted) {
            out.push_back(std::move(kv));
        } else {
            out[it->second] = std::move(kv);
        }
    }
    return out;
}

}  // namespace rr::process
