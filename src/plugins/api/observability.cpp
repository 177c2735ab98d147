#include "plugins/api/observability.h"

#include <boost/asio/post.hpp>
#include <condition_variable>
#include <mutex>

namespace rr::plugins {

bool run_on(boost::asio::io_context& io, std::function<void()> fn,
            std::chrono::milliseconds timeout) {
    // Shared with the posted handler, which may outlive this call when it times out.
    struct State {
        std::mutex mu;
        std::condition_variable cv;
        bool done = false;
    };
    auto state = std::make_shared<State>();
    boost::asio::post(io, [state, fn = std::move(fn)] {
        fn();
        {
            std::lock_guard lock(state->mu);
            state->done = true;
        }
        state->cv.notify_one();
    });
    std::unique_lock lock(state->mu);
    return state->cv.wait_for(lock, timeout, [&] { return state->done; });
}

WorkerGaugesCollector::WorkerGaugesCollector(std::string prefix, std::string what, Source source)
    : prefix_(std::move(prefix)), what_(std::move(what)), source_(std::move(source)) {}

std::vector<std::string> WorkerGaugesCollector::describe() const {
    return {prefix_ + "_total_workers",  prefix_ + "_workers_memory_bytes",
            prefix_ + "_worker_state",   prefix_ + "_worker_memory_bytes",
            prefix_ + "_workers_ready",  prefix_ + "_workers_working",
            prefix_ + "_workers_invalid"};
}

void WorkerGaugesCollector::collect(std::vector<metrics::FamilySnapshot>& out) const {
    const std::vector<WorkerInfo> workers = source_ ? source_() : std::vector<WorkerInfo>{};

    auto family = [&](std::string suffix, std::string help,
                      std::vector<std::string> labels) -> metrics::FamilySnapshot& {
        metrics::FamilySnapshot& f = out.emplace_back();
        f.name = prefix_ + std::move(suffix);
        f.help = std::move(help);
        f.type = metrics::MetricType::kGauge;
        f.label_names = std::move(labels);
        return f;
    };

    double memory = 0;
    double ready = 0;
    double working = 0;
    double invalid = 0;
    metrics::FamilySnapshot& state =
        family("_worker_state", "Worker current state", {"state", "pid"});
    for (const WorkerInfo& w : workers) {
        state.add({w.status, std::to_string(w.pid)}, 0);
    }
    metrics::FamilySnapshot& worker_memory =
        family("_worker_memory_bytes", "Worker current memory usage", {"pid"});
    for (const WorkerInfo& w : workers) {
        worker_memory.add({std::to_string(w.pid)}, static_cast<double>(w.memory_bytes));
        memory += static_cast<double>(w.memory_bytes);
        if (w.status == "ready") {
            ++ready;
        } else if (w.status == "working") {
            ++working;
        } else {
            ++invalid;
        }
    }
    family("_total_workers", "Total number of workers used by the " + what_ + " plugin", {})
        .add({}, static_cast<double>(workers.size()));
    family("_workers_memory_bytes", "Memory usage by " + what_ + " workers.", {}).add({}, memory);
    family("_workers_ready", what_ + " workers currently in ready state", {}).add({}, ready);
    family("_workers_working", what_ + " workers currently in working state", {}).add({}, working);
    family("_workers_invalid",
           what_ + " workers currently in invalid,killing,destroyed,errored,inactive states", {})
        .add({}, invalid);
}

}  // namespace rr::plugins
