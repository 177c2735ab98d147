// Goridge frame codec (src/protocol/frame.h): header encode, whole-frame encode and decode
// (with the CRC check), and the CRC alone, for the sizes a hello-world request and a 4 KiB
// body produce.

#include "protocol/frame.h"

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace {

using namespace rr::protocol;

std::span<const std::byte> bytes_of(const std::string& s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

void BM_EncodeDataHeader(benchmark::State& state) {
    std::array<std::byte, kMaxHeaderSize> out{};
    for (auto _ : state) {
        auto n = encode_data_header(std::span<std::byte, kMaxHeaderSize>(out), flag::kCodecJson,
                                    0, 300, static_cast<std::size_t>(state.range(0)));
        benchmark::DoNotOptimize(n);
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_EncodeDataHeader)->Arg(0)->Arg(4096);

void BM_EncodeFrame(benchmark::State& state) {
    const std::string payload(static_cast<std::size_t>(state.range(0)), 'x');
    const std::uint32_t option = 300;
    for (auto _ : state) {
        std::string frame = encode_frame(flag::kCodecJson, 0, {&option, 1}, payload);
        benchmark::DoNotOptimize(frame);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_EncodeFrame)->Arg(305)->Arg(4096);

void BM_DecodeFrame(benchmark::State& state) {
    const std::string payload(static_cast<std::size_t>(state.range(0)), 'x');
    const std::uint32_t option = 300;
    const std::string frame = encode_frame(flag::kCodecJson, 0, {&option, 1}, payload);
    for (auto _ : state) {
        auto view = decode_frame(bytes_of(frame), 1u << 30);
        if (!view) state.SkipWithError("decode failed");
        benchmark::DoNotOptimize(view);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_DecodeFrame)->Arg(305)->Arg(4096);

void BM_Crc32(benchmark::State& state) {
    const std::string data(static_cast<std::size_t>(state.range(0)), 'x');
    for (auto _ : state) {
        benchmark::DoNotOptimize(crc32(bytes_of(data)));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Crc32)->Arg(10)->Arg(4096);

}  // namespace
