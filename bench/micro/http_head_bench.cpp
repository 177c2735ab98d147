// HTTP/1 request head parsing (src/http/h1/request_parser.h) for the head wrk sends and a
// browser-like head with 14 fields and cookies. "Fresh" builds a new RequestHead per request,
// as the connection loop does; "Reused" keeps one, to show what the allocations cost.

#include <benchmark/benchmark.h>

#include <string_view>

#include "http/h1/request_parser.h"
#include "requests.h"

namespace {

using rr::http::RequestHead;
using rr::http::h1::HeadLimits;
using rr::http::h1::HeadStatus;
using rr::http::h1::parse_request_head;

std::string_view head_for(const benchmark::State& state) {
    return state.range(0) == 0 ? rr::bench::kWrkHead : rr::bench::kBrowserHead;
}

void BM_ParseHeadFresh(benchmark::State& state) {
    const std::string_view data = head_for(state);
    const HeadLimits limits;
    for (auto _ : state) {
        RequestHead head;
        auto r = parse_request_head(data, limits, head);
        if (r.status != HeadStatus::kComplete) state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(head);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
    state.SetLabel(state.range(0) == 0 ? "wrk" : "browser");
}
BENCHMARK(BM_ParseHeadFresh)->Arg(0)->Arg(1);

void BM_ParseHeadReused(benchmark::State& state) {
    const std::string_view data = head_for(state);
    const HeadLimits limits;
    RequestHead head;
    for (auto _ : state) {
        head.fields.clear();
        auto r = parse_request_head(data, limits, head);
        if (r.status != HeadStatus::kComplete) state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(head);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
    state.SetLabel(state.range(0) == 0 ? "wrk" : "browser");
}
BENCHMARK(BM_ParseHeadReused)->Arg(0)->Arg(1);

}  // namespace
