#include "process/environment.h"

#include <cctype>
#include <cstdlib>
#include <unordered_map>

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

namespace {

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::string lookup(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v ? std::string(v) : std::string();
}

}  // namespace

std::string expand_env(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (c != '$' || i + 1 >= value.size()) {
            out.push_back(c);
            continue;
        }
        if (value[i + 1] == '{') {
            auto close = value.find('}', i + 2);
            if (close == std::string_view::npos) {
                out.append(value.substr(i));  // unterminated: keep verbatim
                break;
            }
            out += lookup(std::string(value.substr(i + 2, close - i - 2)));
            i = close;
            continue;
        }
        std::size_t j = i + 1;
        while (j < value.size() && is_name_char(value[j])) {
            ++j;
        }
        if (j == i + 1) {
            out.push_back(c);
            continue;
        }
        out += lookup(std::string(value.substr(i + 1, j - i - 1)));
        i = j - 1;
    }
    return out;
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
