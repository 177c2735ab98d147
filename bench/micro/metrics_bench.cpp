// Metrics hot paths (src/metrics/): a counter increment and a histogram observation through a
// held handle, alone and from 2 threads on the same series, next to two peers measured in the
// same run (a plain std::atomic fetch_add, the floor; a mutex-guarded double, what a naive
// registry would do); a lookup by label values; and a scrape of 100 series.
//
// Run: build/bench/bench/micro/rr_metrics_bench

#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "metrics/registry.h"

namespace {

using namespace rr::metrics;

// Shared by the threads of a multi-threaded run (function-local statics initialise once).
Registry& registry() {
    static Registry r;
    return r;
}

Counter& shared_counter() {
    static auto family = registry().counter({.name = "bench_total", .help = "h"}).value();
    return *family->scalar();
}

Histogram& shared_histogram() {
    static auto family =
        registry()
            .histogram({.name = "bench_seconds",
                        .help = "h",
                        .buckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60}})
            .value();
    return *family->scalar();
}

void BM_CounterInc(benchmark::State& state) {
    Counter& c = shared_counter();
    for (auto _ : state) c.inc();
    benchmark::DoNotOptimize(c.value());
}
BENCHMARK(BM_CounterInc)->Threads(1)->Threads(2);

void BM_CounterAddFraction(benchmark::State& state) {
    Counter& c = shared_counter();
    for (auto _ : state) c.add(0.5);
    benchmark::DoNotOptimize(c.value());
}
BENCHMARK(BM_CounterAddFraction)->Threads(1)->Threads(2);

void BM_HistogramObserve(benchmark::State& state) {
    Histogram& h = shared_histogram();
    double v = 0.001;
    for (auto _ : state) {
        h.observe(v);
        v = v < 100 ? v * 1.7 : 0.001;  // walk the buckets
    }
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

// Peer: the cheapest possible shared counter.
void BM_PeerAtomicFetchAdd(benchmark::State& state) {
    static std::atomic<std::uint64_t> n{0};
    for (auto _ : state) n.fetch_add(1, std::memory_order_relaxed);
}
BENCHMARK(BM_PeerAtomicFetchAdd)->Threads(1)->Threads(2);

// Peer: a double under a mutex.
void BM_PeerMutexDouble(benchmark::State& state) {
    static std::mutex mu;
    static double value = 0;
    for (auto _ : state) {
        std::lock_guard lock(mu);
        value += 1;
    }
}
BENCHMARK(BM_PeerMutexDouble)->Threads(1)->Threads(2);

// What the RPC methods and an uncached middleware pay: find the series by label values.
void BM_CounterWithLabelsLookup(benchmark::State& state) {
    static auto family =
        registry()
            .counter({.name = "bench_by_status_total", .help = "h", .label_names = {"status"}})
            .value();
    for (auto _ : state) family->with({"200"}).value()->inc();
}
BENCHMARK(BM_CounterWithLabelsLookup)->Threads(1)->Threads(2);

void BM_SummaryObserveWithObjectives(benchmark::State& state) {
    static auto family = registry()
                             .summary({.name = "bench_summary",
                                       .help = "h",
                                       .objectives = {{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}}})
                             .value();
    Summary& s = *family->scalar();
    double v = 0;
    for (auto _ : state) {
        s.observe(v);
        v = v < 1000 ? v + 1.3 : 0;
    }
}
BENCHMARK(BM_SummaryObserveWithObjectives)->Threads(1)->Threads(2);

// A scrape of 100 series: 100 labelled counters (each `with` a realistic label pair).
void BM_Scrape100CounterSeries(benchmark::State& state) {
    Registry r;
    auto f = r.counter({.name = "rr_http_request_total",
                        .help = "Total number of handled http requests after server restart.",
                        .label_names = {"status", "route"}})
                 .value();
    for (int i = 0; i < 100; ++i) {
        f->with({std::to_string(200 + i % 5), "/api/v1/item/" + std::to_string(i)})
            .value()
            ->add(i * 1000 + 7);
    }
    std::size_t bytes = 0;
    for (auto _ : state) {
        std::string text = r.scrape_text();
        bytes = text.size();
        benchmark::DoNotOptimize(text);
    }
    state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Scrape100CounterSeries);

// 100 series again, as 10 histograms of 14 buckets: the pool/middleware shape (1,700 lines).
void BM_Scrape10HistogramSeries(benchmark::State& state) {
    Registry r;
    auto f =
        r.histogram({.name = "rr_http_request_duration_seconds",
                     .help = "HTTP request duration.",
                     .label_names = {"status"},
                     .buckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60}})
            .value();
    for (int i = 0; i < 10; ++i) {
        auto h = f->with({std::to_string(200 + i)}).value();
        for (int k = 0; k < 100; ++k) h->observe(k * 0.013);
    }
    std::size_t bytes = 0;
    for (auto _ : state) {
        std::string text = r.scrape_text();
        bytes = text.size();
        benchmark::DoNotOptimize(text);
    }
    state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Scrape10HistogramSeries);

}  // namespace
