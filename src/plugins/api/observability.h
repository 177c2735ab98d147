#pragma once
/// Capability interfaces for observability (the sibling of capabilities.h): what a plugin
/// offers the `status` plugin (health and readiness, RoadRunner's Checker and Readiness) and the
/// `metrics` plugin (Prometheus collectors, RoadRunner's StatProvider). The status and metrics
/// plugins find their providers with Registry::collect<T>() when they start serving.
///
/// Also here: WorkerGaugesCollector, the `rr_<plugin>_*` worker pool gauges every plugin with
/// PHP workers exposes (RoadRunner's StatsExporter), so each such plugin declares them alike.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "metrics/snapshot.h"
#include "plugins/api/capabilities.h"

namespace rr::plugins {

/// `/health` and `/ready` of the status plugin (BEHAVIOUR.md §3.15). Called on the main
/// io_context's thread; must be cheap (probes may come often) and must not block.
class StatusProvider {
public:
    virtual ~StatusProvider() = default;
    /// Health: 200 when the plugin has at least one worker that can take a job (ready or
    /// working), an HTTP status >= 500 when not; nullopt when the plugin is not available at
    /// all (not started yet, or stopped).
    virtual std::optional<int> health_status() const = 0;
    /// Readiness: 200 when at least one worker is idle (ready) right now; >= 500 when not;
    /// nullopt as for health_status().
    virtual std::optional<int> ready_status() const = 0;
};

/// Metrics a plugin exposes on the metrics endpoint (RoadRunner's StatProvider). The metrics
/// plugin calls metrics_collectors() once, from its serve(), and registers each collector; an
/// error (a name clash) fails the start. The collectors' collect() runs on the scrape thread,
/// which is NOT the main io_context's thread: collectors must be thread-safe and should not
/// wait for an I/O thread (read atomics; run_on() only where nothing else will do).
class MetricsProvider {
public:
    virtual ~MetricsProvider() = default;
    virtual std::vector<std::shared_ptr<const metrics::Collector>> metrics_collectors() = 0;
};

/// Runs `fn` on `io`'s thread and waits for it, up to `timeout`. False when it did not run in
/// time (the io_context is stopped or busy); `fn` may then still run later, so it must own
/// (shared_ptr) whatever it writes to. Never call it from `io`'s own thread.
bool run_on(boost::asio::io_context& io, std::function<void()> fn,
            std::chrono::milliseconds timeout);

/// The worker pool gauges of one plugin, named `<prefix>_...` (`rr_http_total_workers`, ...),
/// with RoadRunner's names, help texts and labels:
///   <prefix>_total_workers          gauge  live workers
///   <prefix>_workers_memory_bytes   gauge  sum of their RSS
///   <prefix>_worker_state{state,pid}   gauge  0, one series per worker, the state as a label
///   <prefix>_worker_memory_bytes{pid}  gauge  each worker's RSS
///   <prefix>_workers_ready          gauge  workers in state "ready"
///   <prefix>_workers_working        gauge  workers in state "working"
///   <prefix>_workers_invalid        gauge  workers in any other state
/// `what` names the plugin in the help texts ("HTTP"). `source` returns the workers; it is
/// called on the scrape thread: read a worker::WorkerRoster there rather than posting to an I/O
/// thread with run_on() (worker/roster.h says why).
class WorkerGaugesCollector final : public metrics::Collector {
public:
    using Source = std::function<std::vector<WorkerInfo>()>;

    WorkerGaugesCollector(std::string prefix, std::string what, Source source);

    std::vector<std::string> describe() const override;
    void collect(std::vector<metrics::FamilySnapshot>& out) const override;

private:
    std::string prefix_;
    std::string what_;
    Source source_;
};

}  // namespace rr::plugins
