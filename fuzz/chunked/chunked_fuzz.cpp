// Fuzzes the chunked body decoder as a differential test: the input (a chunked body, no head)
// is decoded in one window, byte by byte and in windows whose sizes come from the input. A
// decoder that keeps its state correctly across calls finds the same body, the same end
// (done / error / needs more) and stops at the same offset whatever the split.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/h1/chunked.h"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

struct Outcome {
    std::string body;
    std::size_t consumed = 0;
    bool done = false;
    bool failed = false;
};

/// Decodes `in` in windows of `piece(i)` bytes (the i-th window), like a read loop would.
template <class Piece>
Outcome decode(std::string_view in, Piece piece) {
    rr::http::h1::ChunkedDecoder decoder(1024);
    Outcome o;
    std::size_t window_no = 0;
    std::size_t window_end = 0;  // offset in `in` where the bytes "received so far" end
    while (true) {
        if (o.consumed == window_end) {
            if (window_end == in.size()) break;
            window_end = std::min(in.size(), window_end + piece(window_no++));
        }
        std::string_view window = in.substr(o.consumed, window_end - o.consumed);
        auto step = decoder.next(window);
        check(step.consumed <= window.size());
        check(step.data.size() <= step.consumed);
        check(step.data.empty() ||
              (step.data.data() >= window.data() &&
               step.data.data() + step.data.size() <= window.data() + window.size()));
        o.body.append(step.data);
        o.consumed += step.consumed;
        if (step.error != rr::errc::kOk) {
            check(decoder.failed());
            o.failed = true;
            break;
        }
        if (step.done) {
            check(decoder.done());
            o.done = true;
            break;
        }
        // A step that uses nothing must be asking for more input.
        if (step.consumed == 0) check(window.empty());
    }
    check(o.body.size() <= in.size());
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte seeds the uneven split; the rest is the body.
    const std::uint8_t seed = data[0];
    std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);

    const Outcome whole = decode(in, [&](std::size_t) { return in.size() + 1; });
    const Outcome bytes = decode(in, [](std::size_t) { return std::size_t{1}; });
    const Outcome uneven =
        decode(in, [&](std::size_t i) { return std::size_t{1} + ((seed * (i + 3)) % 13); });
    for (const Outcome* o : {&bytes, &uneven}) {
        check(o->failed == whole.failed);
        check(o->done == whole.done);
        if (!whole.failed) {
            check(o->body == whole.body);
            check(o->consumed == whole.consumed);
        }
    }
    return 0;
}
