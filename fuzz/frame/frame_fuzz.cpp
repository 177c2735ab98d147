// libFuzzer target for the goridge frame codec (protocol/frame.h, protocol/control.h).
//
// Properties checked on every input (a violation aborts, which libFuzzer reports as a crash):
//  1. decode_frame never reads outside the input and reports a consistent size;
//  2. a frame that decodes re-encodes to the same bytes (when it is in the writer's domain:
//     version 1, byte11 = 0, at most 10 option words);
//  3. decode(encode(x)) == x for fields derived from the input;
//  4. a buffer of concatenated frames decodes frame by frame until the first error;
//  5. the data-payload split and the control parsers accept or reject without crashing.

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "protocol/control.h"
#include "protocol/frame.h"

namespace {

using namespace rr::protocol;

void check(bool ok) {
    if (!ok) std::abort();
}

std::string_view chars_of(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

void check_decoded(std::span<const std::byte> input, const FrameView& f, std::size_t consumed) {
    check(consumed >= kHeaderSize && consumed <= input.size());
    check(consumed == kHeaderSize + f.header.rest_size());
    check(f.header.option_count <= kMaxReadOptions);
    check(f.payload.size() == f.header.payload_size);
    check(f.payload.data() + f.payload.size() == input.data() + consumed);
    if (f.header.version == kVersion && f.header.byte11 == 0 &&
        f.header.option_count <= kMaxWriteOptions) {
        const std::string again =
            encode_frame(f.header.flags, f.header.byte10, f.option_span(), chars_of(f.payload));
        check(again == chars_of(input.first(consumed)));
    }
    if (auto split = split_data_payload(f)) {
        check(split.value().context.size() + split.value().body.size() == f.payload.size());
        check(split.value().context.size() == f.options[0]);
    } else {
        check(f.header.option_count != 1 || f.options[0] > f.payload.size());
    }
    if (auto pid = parse_pid_reply(f)) {
        check(pid.value().pid > 0);
        check(f.header.has_flag(flag::kControl));
    }
    (void)is_worker_stop_request(f);
}

void round_trip(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return;
    const std::uint8_t flags = data[0];
    const std::uint8_t byte10 = data[1];
    const std::size_t n_options = data[2] % (kMaxWriteOptions + 1);
    data += 3;
    size -= 3;
    std::vector<std::uint32_t> options;
    for (std::size_t i = 0; i < n_options && size >= 4; ++i, data += 4, size -= 4) {
        std::uint32_t v = 0;
        std::memcpy(&v, data, 4);
        options.push_back(v);
    }
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    const std::string frame = encode_frame(flags, byte10, options, payload);
    std::size_t consumed = 0;
    auto r = decode_frame({reinterpret_cast<const std::byte*>(frame.data()), frame.size()},
                          frame.size(), &consumed);
    check(r.has_value());
    check(consumed == frame.size());
    check(r.value().header.flags == flags && r.value().header.byte10 == byte10);
    check(r.value().header.option_count == options.size());
    for (std::size_t i = 0; i < options.size(); ++i) check(r.value().options[i] == options[i]);
    check(chars_of(r.value().payload) == payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);

    // 1, 2, 5: one frame, with and without a tight payload limit.
    std::size_t consumed = 0;
    if (auto r = decode_frame(input, 0xFFFFFFFFu, &consumed)) {
        check_decoded(input, r.value(), consumed);
        if (r.value().header.payload_size > 0) {
            check(decode_frame(input, r.value().header.payload_size - 1).error() ==
                  rr::errc::kFrameTooLarge);
        }
    }
    (void)decode_header(input, 64);

    // 4: a stream of frames.
    std::span<const std::byte> rest = input;
    while (!rest.empty()) {
        std::size_t used = 0;
        auto r = decode_frame(rest, 1u << 20, &used);
        if (!r) break;
        check(used > 0 && used <= rest.size());
        rest = rest.subspan(used);
    }

    // 3: the input as fields.
    round_trip(data, size);

    // Control JSON parser on raw text.
    (void)parse_pid_reply_json({reinterpret_cast<const char*>(data), size});
    return 0;
}
