#pragma once
// The JSON shapes of `informer.Workers` (PROTOCOL.md §5.4), shared by the informer RPC methods
// and the `rr workers` table. Field names and types are upstream's process.State:
//
//   {"workers":[{"pid":4711,"status":1,"numExecs":12,"created":1700000000000000000,
//                "memoryUsage":23068672,"CPUPercent":0.5,"command":"","statusStr":"ready"}]}
//
// `{"workers":null}` is what upstream answers for a plugin without workers.
// Thread safety: value types.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rr::rpc {

struct ProcessState {
    std::int64_t pid = 0;
    std::int64_t status = 0;  ///< worker state number (PROTOCOL.md §3.1)
    std::uint64_t num_execs = 0;
    std::int64_t created = 0;        ///< Unix time in nanoseconds
    std::uint64_t memory_usage = 0;  ///< RSS in bytes
    double cpu_percent = 0;
    std::string command;     ///< empty for HTTP workers
    std::string status_str;  ///< "ready", "working", ...

    bool operator==(const ProcessState&) const = default;
};

struct WorkerList {
    std::optional<std::vector<ProcessState>> workers;  ///< nullopt encodes as null

    bool operator==(const WorkerList&) const = default;
};

/// Writes every field. Reading is lenient: a missing field keeps its default, a field of the
/// wrong type throws nlohmann::json::type_error (the CLI reports it as a bad reply).
void to_json(nlohmann::json& j, const ProcessState& s);
void from_json(const nlohmann::json& j, ProcessState& s);
void to_json(nlohmann::json& j, const WorkerList& l);
void from_json(const nlohmann::json& j, WorkerList& l);

}  // namespace rr::rpc
