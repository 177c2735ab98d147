// Fuzzes the server side of an HTTP/2 connection (rr::http::h2::Core) through its only input,
// the bytes from the peer. The first byte picks how the connection starts and how the driver
// answers:
//   bit 0: start as an `Upgrade: h2c` (stream 1 exists already) instead of prior knowledge;
//   bit 1: the client preface is given by the fuzzer (else it is prepended);
//   bit 2: answers carry a 103 interim response first;   bit 3: answers end with trailers;
//   bit 4: the driver lets a request body arrive before answering (else it answers at once);
//   bits 5-7: where the input is split into two feed() calls (exercises partial frames).
// Small limits make the 431/413 refusals, the flood bucket and the window paths reachable. The
// clock is fixed and advances per call, so a run is deterministic. The core must never crash,
// leak, loop or produce output after a fatal error is reported.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/h2/core.h"

namespace {

using rr::http::h2::Core;
using rr::http::h2::ErrorCode;
using rr::http::h2::Limits;
using rr::http::h2::StreamState;

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::string_view kBody = "hello from the fuzzer";

struct Driver final : Core::Listener {
    explicit Driver(std::uint8_t mode) : mode_(mode) {}

    void on_request(StreamState& s) override { ready_.push_back(&s); }
    void on_stream_update(StreamState& s) override { (void)s.closed; }

    /// Answers every request that is ready, as h2::Session would (after its handler ran).
    void answer(Core& core) {
        std::vector<StreamState*> keep;
        for (StreamState* s : ready_) {
            if (s->refuse_status != 0) {
                refused(core, *s);
                continue;
            }
            std::string sink;
            core.take_body(*s, sink);
            if ((mode_ & 0x10) != 0 && !s->body_done && !s->closed && !s->body_too_large) {
                keep.push_back(s);  // wait for more body in the next round
                continue;
            }
            if (s->closed) {
                core.release(*s);
                continue;
            }
            if ((mode_ & 0x04) != 0) {
                const Core::HeaderRef link[] = {{"link", "</a.css>; rel=preload"}};
                core.submit_interim(*s, 103, link);
            }
            if ((mode_ & 0x08) != 0) s->trailers.push_back({"x-checksum", "42"});
            const Core::HeaderRef refs[] = {{"content-type", "text/plain"}, {"X-Mixed", "Case"}};
            s->pending = kBody;
            s->eof = true;
            core.submit_response(*s, 200, refs, s->head.method != "HEAD");
            core.release(*s);  // may free *s
        }
        ready_ = std::move(keep);
    }

    void refused(Core& core, StreamState& s) {
        s.owned_body = std::to_string(s.refuse_status);
        s.pending = s.owned_body;
        s.eof = true;
        const Core::HeaderRef refs[] = {{"content-type", "text/plain"}};
        core.submit_response(s, s.refuse_status, refs, true);
        core.release(s);
    }

    /// Streams still held at the end are released (the session does so when it stops).
    void release_all(Core& core) {
        for (StreamState* s : ready_) core.release(*s);
        ready_.clear();
    }

    std::uint8_t mode_;
    std::vector<StreamState*> ready_;
};

/// Runs produce() until nothing is left (bounded); false once the core reported an error.
bool drain(Core& core) {
    for (int i = 0; i < 64; ++i) {
        std::string out;
        if (!core.produce(out, 64 * 1024)) return false;
        if (out.empty()) break;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t mode = data[0];
    std::string input;
    if ((mode & 0x02) == 0) input.assign(kPreface);
    input.append(reinterpret_cast<const char*>(data + 1), size - 1);

    Limits limits;
    limits.max_concurrent_streams = 8;
    limits.initial_window = 1024;
    limits.connection_window = 4096;
    limits.max_header_bytes = 2048;
    limits.max_request_size = 4096;
    limits.control_burst = 50;
    limits.control_per_second = 10;

    Driver driver(mode);
    Core core(limits, driver);
    auto tick = std::chrono::steady_clock::time_point{};
    core.now = [&tick] { return tick += std::chrono::milliseconds(1); };

    bool ok;
    if ((mode & 0x01) != 0) {
        rr::http::RequestHead head;
        head.method = "GET";
        head.target = "/upgraded";
        head.version_major = 1;
        head.version_minor = 1;
        ok = core.start_upgrade(std::string_view("\x00\x03\x00\x00\x00\x64", 6), std::move(head));
    } else {
        ok = core.start();
    }
    if (ok) ok = drain(core);
    const std::size_t split = input.size() * ((mode >> 5) & 0x07) / 8;
    for (const std::string_view piece :
         {std::string_view(input).substr(0, split), std::string_view(input).substr(split)}) {
        if (!ok) break;
        ok = core.feed(piece);
        driver.answer(core);
        if (!drain(core)) ok = false;
    }
    if (ok) {
        // The driver's last round: whatever still waits for a body is answered now.
        driver.mode_ &= static_cast<std::uint8_t>(~0x10);
        driver.answer(core);
        drain(core);
        core.shutdown();
        drain(core);
    }
    driver.release_all(core);
    return 0;
}
