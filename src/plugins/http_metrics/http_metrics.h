#pragma once
// HttpMetrics: the request metrics of the `http_metrics` middleware (BEHAVIOUR.md §3.16), with
// RoadRunner's names, help texts, labels and buckets:
//
//   rr_http_request_total{status}             counter    requests answered, by final status
//   rr_http_request_duration_seconds{status}  histogram  time in the middleware and below
//                                             (buckets .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10
//                                             20 30 60)
//   rr_http_requests_queue                    gauge      requests inside the middleware now
//                                             (waiting for a worker or being served)
//   rr_http_no_free_workers_total             counter    answers carrying `No-Workers: true`
//   rr_http_uptime_seconds                    counter    whole seconds since start()
//
// The families live in a registry of their own, handed to the metrics plugin as collectors
// (collectors()), so counting works whether or not the metrics plugin is enabled.
//
// Request path: begin() and end() touch atomics only. The series of each status code is looked
// up once (its first request, under a mutex) and then reached through a per-code slot: no
// label lookup, no lock, no allocation per request.
//
// Thread safety: every member function is safe from any thread.

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "metrics/registry.h"

namespace rr::plugins {

class HttpMetrics {
public:
    using Clock = std::chrono::steady_clock;

    HttpMetrics();

    /// A request entered the middleware: the queue gauge goes up; returns its start time.
    Clock::time_point begin() noexcept;
    /// The request left it with `status` (the final status sent; outside 100..599, e.g. when
    /// nothing was sent through the middleware, it is counted as "-1", as upstream's writer
    /// does) and `no_workers` (the answer carried `No-Workers: true`).
    void end(Clock::time_point started, int status, bool no_workers) noexcept;

    /// Starts the uptime clock (the plugin's serve()).
    void start() noexcept;

    /// The collectors the metrics plugin registers: the families and the uptime counter.
    std::vector<std::shared_ptr<const metrics::Collector>> collectors() const;

    /// The families' registry (tests).
    const std::shared_ptr<metrics::Registry>& registry() const noexcept { return registry_; }

private:
    static constexpr int kMinStatus = 100;
    static constexpr int kMaxStatus = 599;
    /// One slot per status 100..599, and a last one for anything else ("-1").
    static constexpr std::size_t kSlots = kMaxStatus - kMinStatus + 2;

    struct Series {
        metrics::Counter* total = nullptr;
        metrics::Histogram* duration = nullptr;
    };

    /// The slot's series, created on the code's first request.
    const Series& series(std::size_t slot) noexcept;

    std::shared_ptr<metrics::Registry> registry_;
    std::shared_ptr<metrics::CounterFamily> total_;
    std::shared_ptr<metrics::HistogramFamily> duration_;
    std::shared_ptr<metrics::GaugeFamily> queue_;
    std::shared_ptr<metrics::CounterFamily> no_free_workers_;
    std::shared_ptr<std::atomic<std::int64_t>> started_at_;  // steady ns; shared with uptime

    std::array<std::atomic<const Series*>, kSlots> slots_{};
    std::mutex create_mu_;
    std::vector<std::unique_ptr<Series>> owned_;  // the slots' Series, under create_mu_
    std::vector<std::shared_ptr<metrics::Counter>> counters_;      // keep the handles alive
    std::vector<std::shared_ptr<metrics::Histogram>> histograms_;  // (the families own them too)
};

}  // namespace rr::plugins
