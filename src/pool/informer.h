#pragma once
// WorkerInformer: what the RPC `informer.Workers` call (and `rr workers`) needs from a pool,
// without depending on the Pool class itself.
//
// Thread safety / executor: the implementation's executor only (Pool: io_context thread).

#include <vector>

#include "worker/worker.h"

namespace rr::pool {

class WorkerInformer {
public:
    virtual ~WorkerInformer() = default;
    /// One entry per live worker: pid, state (upstream numbering), execs, created, RSS bytes
    /// (sampled at the call).
    virtual std::vector<worker::WorkerInfo> workers() = 0;
};

}  // namespace rr::pool
