// Request mapping and the request context in both codecs: what the server does per request
// between the parsed head and the worker's pipe (map_request + encode_request, as
// src/plugins/http_handler.cpp does), and decoding the worker's response head.

#include <benchmark/benchmark.h>

#include <boost/asio/ip/address.hpp>
#include <string>
#include <vector>

#include "http/h1/request_parser.h"
#include "http/mapping.h"
#include "http/request_context.h"
#include "protocol/http_payload.h"
#include "requests.h"

namespace {

using rr::protocol::HttpCodec;
using rr::protocol::HttpField;

struct Fixture {
    explicit Fixture(std::string_view data) {
        rr::http::h1::parse_request_head(data, rr::http::h1::HeadLimits{}, head);
    }
    rr::http::RequestHead head;
    boost::asio::ip::address peer = boost::asio::ip::make_address("127.0.0.1");
    rr::http::MappingOptions options;
};

Fixture& fixture(const benchmark::State& state) {
    static Fixture wrk(rr::bench::kWrkHead);
    static Fixture browser(rr::bench::kBrowserHead);
    return state.range(0) == 0 ? wrk : browser;
}

void BM_MapRequest(benchmark::State& state) {
    Fixture& f = fixture(state);
    for (auto _ : state) {
        rr::http::MappedRequest mapped;
        rr::http::map_request(f.head, f.peer, f.options, mapped);
        benchmark::DoNotOptimize(mapped);
    }
    state.SetLabel(state.range(0) == 0 ? "wrk" : "browser");
}
BENCHMARK(BM_MapRequest)->Arg(0)->Arg(1);

/// map_request + the HttpField views (RequestContextView) + encode_request: the handler's
/// step 2, whole.
void context_bench(benchmark::State& state, HttpCodec codec) {
    Fixture& f = fixture(state);
    std::size_t size = 0;
    for (auto _ : state) {
        rr::http::MappedRequest mapped;
        rr::http::map_request(f.head, f.peer, f.options, mapped);
        rr::http::RequestContextView view(mapped);
        const rr::protocol::HttpRequestContext& ctx = view.context();
        std::string out;
        size = rr::protocol::encode_request(codec, ctx, out);
        benchmark::DoNotOptimize(out);
    }
    state.SetLabel(std::string(state.range(0) == 0 ? "wrk" : "browser") + ", " +
                   std::to_string(size) + " B");
}

void BM_RequestContextJson(benchmark::State& state) {
    context_bench(state, HttpCodec::kJson);
}
BENCHMARK(BM_RequestContextJson)->Arg(0)->Arg(1);

void BM_RequestContextProto(benchmark::State& state) {
    context_bench(state, HttpCodec::kProto);
}
BENCHMARK(BM_RequestContextProto)->Arg(0)->Arg(1);

/// Encoding alone (the context built once), to split mapping from serialising.
void encode_only(benchmark::State& state, HttpCodec codec) {
    Fixture& f = fixture(state);
    rr::http::MappedRequest mapped;
    rr::http::map_request(f.head, f.peer, f.options, mapped);
    rr::http::RequestContextView view(mapped);
    const rr::protocol::HttpRequestContext& ctx = view.context();
    std::string out;
    for (auto _ : state) {
        out.clear();
        rr::protocol::encode_request(codec, ctx, out);
        benchmark::DoNotOptimize(out);
    }
    state.SetLabel(state.range(0) == 0 ? "wrk" : "browser");
}

void BM_EncodeOnlyJson(benchmark::State& state) {
    encode_only(state, HttpCodec::kJson);
}
BENCHMARK(BM_EncodeOnlyJson)->Arg(0)->Arg(1);

void BM_EncodeOnlyProto(benchmark::State& state) {
    encode_only(state, HttpCodec::kProto);
}
BENCHMARK(BM_EncodeOnlyProto)->Arg(0)->Arg(1);

/// The worker's answer head for the hello world: status 200 and one Content-Type.
void decode_response(benchmark::State& state, HttpCodec codec) {
    const std::vector<HttpField> fields{{"Content-Type", "text/plain"}};
    std::string context;
    if (codec == HttpCodec::kJson) {
        rr::protocol::encode_response_json(200, fields, context);
    } else {
        rr::protocol::encode_response_proto(200, fields, context);
    }
    for (auto _ : state) {
        auto head = rr::protocol::decode_response(codec, context);
        if (!head) state.SkipWithError("decode failed");
        benchmark::DoNotOptimize(head);
    }
}

void BM_DecodeResponseJson(benchmark::State& state) {
    decode_response(state, HttpCodec::kJson);
}
BENCHMARK(BM_DecodeResponseJson);

void BM_DecodeResponseProto(benchmark::State& state) {
    decode_response(state, HttpCodec::kProto);
}
BENCHMARK(BM_DecodeResponseProto);

}  // namespace
