#pragma once
// Worker command lines and environments (PROTOCOL.md §2.2, BEHAVIOUR.md §1.1).
// Pure functions; thread safety: stateless, safe from any thread (expand_env reads getenv()).

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rr::process {

/// `server.command` given as one string: split on whitespace, no shell quoting (as upstream).
std::vector<std::string> split_command(std::string_view command);

/// Expands `${VAR}` and `$VAR` against getenv() (Go os.ExpandEnv semantics: unknown → empty,
/// a lone `$` at the end stays): rr::expand_env (common/expand_env.h) with digit-led names.
std::string expand_env(std::string_view value);

/// Upper-cases ASCII letters (server.env keys).
std::string upper_case(std::string_view key);

/// Inputs of the environment RoadRunner gives a worker.
struct WorkerEnvInput {
    std::map<std::string, std::string> user_env;  ///< server.env as written in the config
    std::string relay;                            ///< RR_RELAY, e.g. "pipes"
    std::string rpc;                              ///< RR_RPC; empty = not set
    std::string mode;                             ///< RR_MODE, e.g. "http"; empty = not set
    std::string version;                          ///< RR_VERSION
};

/// The variables a worker gets on top of the inherited environment, in upstream order:
/// RR_RELAY, RR_RPC, user vars (keys upper-cased, values expanded), RR_VERSION, RR_MODE.
/// Later entries override earlier ones when the child environment is built.
std::vector<std::pair<std::string, std::string>> worker_env(const WorkerEnvInput& in);

/// The full child environment: `base` ("K=V" strings, normally environ) with `overrides`
/// replacing or adding keys.
std::vector<std::string> merge_env(
    const char* const* base, const std::vector<std::pair<std::string, std::string>>& overrides);

}  // namespace rr::process
