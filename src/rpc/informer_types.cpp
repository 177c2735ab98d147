#include "rpc/informer_types.h"

#include <nlohmann/json.hpp>

namespace rr::rpc {

namespace {

template <class T>
void read_field(const nlohmann::json& j, const char* key, T& out) {
    if (auto it = j.find(key); it != j.end() && !it->is_null()) {
        it->get_to(out);
    }
}

}  // namespace

void to_json(nlohmann::json& j, const ProcessState& s) {
    j = nlohmann::json{{"pid", s.pid},
                       {"status", s.status},
                       {"numExecs", s.num_execs},
                       {"created", s.created},
                       {"memoryUsage", s.memory_usage},
                       {"CPUPercent", s.cpu_percent},
                       {"command", s.command},
                       {"statusStr", s.status_str}};
}

void from_json(const nlohmann::json& j, ProcessState& s) {
    s = ProcessState{};
    read_field(j, "pid", s.pid);
    read_field(j, "status", s.status);
    read_field(j, "numExecs", s.num_execs);
    read_field(j, "created", s.created);
    read_field(j, "memoryUsage", s.memory_usage);
    read_field(j, "CPUPercent", s.cpu_percent);
    read_field(j, "command", s.command);
    read_field(j, "statusStr", s.status_str);
}

void to_json(nlohmann::json& j, const WorkerList& l) {
    j = nlohmann::json::object();
    if (l.workers) {
        j["workers"] = *l.workers;
    } else {
        j["workers"] = nullptr;
    }
}

void from_json(const nlohmann::json& j, WorkerList& l) {
    l.workers.reset();
    if (auto it = j.find("workers"); it != j.end() && !it->is_null()) {
        l.workers = it->get<std::vector<ProcessState>>();
    }
}

}  // namespace rr::rpc
