#include "plugins/http_metrics/http_metrics.h"

#include <string>

namespace rr::plugins {

namespace {

constexpr std::string_view kUptimeName = "rr_http_uptime_seconds";

/// rr_http_uptime_seconds: computed at scrape time instead of ticking a counter every second.
class UptimeCollector final : public metrics::Collector {
public:
    explicit UptimeCollector(std::shared_ptr<std::atomic<std::int64_t>> started_at)
        : started_at_(std::move(started_at)) {}

    std::vector<std::string> describe() const override { return {std::string(kUptimeName)}; }

    void collect(std::vector<metrics::FamilySnapshot>& out) const override {
        const std::int64_t started = started_at_->load(std::memory_order_relaxed);
        if (started == 0) return;  // not serving yet
        const auto now = std::chrono::steady_clock::now().time_since_epoch();
        const auto up = std::chrono::duration_cast<std::chrono::seconds>(
            now - std::chrono::nanoseconds(started));
        metrics::FamilySnapshot& f = out.emplace_back();
        f.name = std::string(kUptimeName);
        f.help = "Uptime in seconds";
        f.type = metrics::MetricType::kCounter;
        f.add({}, static_cast<double>(up.count()));
    }

private:
    std::shared_ptr<std::atomic<std::int64_t>> started_at_;
};

template <class T>
std::shared_ptr<T> must(metrics::Expected<std::shared_ptr<T>> r) {
    // Our own constant declarations: an error here is a bug, not an input problem.
    if (!r) throw std::logic_error("http_metrics: " + r.error().message);
    return std::move(r).value();
}

}  // namespace

HttpMetrics::HttpMetrics()
    : registry_(std::make_shared<metrics::Registry>()),
      started_at_(std::make_shared<std::atomic<std::int64_t>>(0)) {
    total_ = must(registry_->counter({.name = "rr_http_request_total",
                                      .help = "Total number of handled http requests after "
                                              "server restart.",
                                      .label_names = {"status"}}));
    duration_ = must(registry_->histogram(
        {.name = "rr_http_request_duration_seconds",
         .help = "HTTP request duration.",
         .label_names = {"status"},
         .buckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60}}));
    queue_ = must(registry_->gauge(
        {.name = "rr_http_requests_queue", .help = "Total number of queued requests."}));
    no_free_workers_ = must(registry_->counter({.name = "rr_http_no_free_workers_total",
                                                .help = "Total number of NoFreeWorkers "
                                                        "occurrences."}));
    owned_.reserve(kSlots);
}

HttpMetrics::Clock::time_point HttpMetrics::begin() noexcept {
    queue_->scalar()->inc();
    return Clock::now();
}

void HttpMetrics::end(Clock::time_point started, int status, bool no_workers) noexcept {
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const std::size_t slot = status >= kMinStatus && status <= kMaxStatus
                                 ? static_cast<std::size_t>(status - kMinStatus)
                                 : kSlots - 1;
    const Series& s = series(slot);
    if (s.total != nullptr) {
        s.total->inc();
        s.duration->observe(seconds);
    }
    if (no_workers) no_free_workers_->scalar()->inc();
    queue_->scalar()->dec();
}

const HttpMetrics::Series& HttpMetrics::series(std::size_t slot) noexcept {
    if (const Series* s = slots_[slot].load(std::memory_order_acquire)) return *s;
    std::lock_guard lock(create_mu_);
    if (const Series* s = slots_[slot].load(std::memory_order_relaxed)) return *s;
    const std::string label =
        slot == kSlots - 1 ? std::string("-1") : std::to_string(kMinStatus + slot);
    const std::string_view values[] = {label};
    auto total = total_->with(values);
    auto duration = duration_->with(values);
    auto series = std::make_unique<Series>();
    if (total && duration) {
        series->total = total.value().get();
        series->duration = duration.value().get();
        counters_.push_back(std::move(total).value());
        histograms_.push_back(std::move(duration).value());
    }
    const Series* published = series.get();
    owned_.push_back(std::move(series));
    slots_[slot].store(published, std::memory_order_release);
    return *published;
}

void HttpMetrics::start() noexcept {
    std::int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
    if (now == 0) now = 1;
    std::int64_t expected = 0;
    started_at_->compare_exchange_strong(expected, now, std::memory_order_relaxed);
}

std::vector<std::shared_ptr<const metrics::Collector>> HttpMetrics::collectors() const {
    return {std::make_shared<metrics::RegistryCollector>(registry_),
            std::make_shared<UptimeCollector>(started_at_)};
}

}  // namespace rr::plugins
