// Form bodies (src/forms/form_parser.h): urlencoded and multipart with 10 small fields, and
// multipart with one 64 KiB file (written to the OS temp dir and removed again, as in serving).
// The body is fed in 16 KiB pieces, as the connection delivers it.

#include "forms/body_class.h"
#include "forms/form_parser.h"

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

namespace {

constexpr std::string_view kBoundary = "----rrbenchBoundary7MA4YWxkTrZu0gW";
constexpr std::size_t kPiece = 16 * 1024;

std::string urlencoded_body() {
    std::string body;
    for (int i = 0; i < 10; ++i) {
        if (i) body += '&';
        body += "field" + std::to_string(i) + "=value+number+" + std::to_string(i) + "%21";
    }
    return body;
}

std::string multipart_body(std::size_t file_size) {
    std::string body;
    for (int i = 0; i < 10; ++i) {
        body += "--" + std::string(kBoundary) + "\r\n";
        body += "Content-Disposition: form-data; name=\"field" + std::to_string(i) + "\"\r\n\r\n";
        body += "value number " + std::to_string(i) + "\r\n";
    }
    if (file_size > 0) {
        body += "--" + std::string(kBoundary) + "\r\n";
        body += "Content-Disposition: form-data; name=\"upload\"; filename=\"photo.jpg\"\r\n";
        body += "Content-Type: image/jpeg\r\n\r\n";
        body += std::string(file_size, 'j');
        body += "\r\n";
    }
    body += "--" + std::string(kBoundary) + "--\r\n";
    return body;
}

void parse(benchmark::State& state, std::string_view content_type, const std::string& body) {
    auto cls = rr::forms::classify_body("POST", content_type, false);
    if (!cls) {
        state.SkipWithError("classify failed");
        return;
    }
    const rr::forms::FormSettings settings;
    for (auto _ : state) {
        rr::forms::FormParser parser(cls.value(), settings);
        for (std::size_t at = 0; at < body.size(); at += kPiece) {
            if (parser.feed(std::string_view(body).substr(at, kPiece))) {
                state.SkipWithError("feed failed");
                return;
            }
        }
        auto form = parser.finish();
        if (!form) {
            state.SkipWithError("finish failed");
            return;
        }
        benchmark::DoNotOptimize(form.value().data_json);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

void BM_FormUrlencoded10Fields(benchmark::State& state) {
    parse(state, "application/x-www-form-urlencoded", urlencoded_body());
}
BENCHMARK(BM_FormUrlencoded10Fields);

void BM_FormMultipart10Fields(benchmark::State& state) {
    parse(state, "multipart/form-data; boundary=" + std::string(kBoundary), multipart_body(0));
}
BENCHMARK(BM_FormMultipart10Fields);

void BM_FormMultipart64KiBFile(benchmark::State& state) {
    parse(state, "multipart/form-data; boundary=" + std::string(kBoundary),
          multipart_body(64 * 1024));
}
BENCHMARK(BM_FormMultipart64KiBFile);

}  // namespace
