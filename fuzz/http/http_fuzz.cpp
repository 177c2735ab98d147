// Fuzzes what a client controls before any handler runs: the request head parser, the
// PHP-facing mapping of a parsed head, and the chunked body decoder fed in uneven pieces.
#include <boost/asio/ip/address_v4.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/h1/chunked.h"
#include "http/h1/request_parser.h"
#include "http/mapping.h"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

void decode_chunked(std::string_view body, std::size_t piece) {
    rr::http::h1::ChunkedDecoder decoder(4096);
    std::uint64_t total = 0;
    while (!body.empty()) {
        std::string_view window = body.substr(0, piece);
        auto step = decoder.next(window);
        check(step.consumed <= window.size());
        check(step.data.size() <= step.consumed);
        total += step.data.size();
        if (step.error != rr::errc::kOk || step.done) break;
        if (step.consumed == 0) {
            // Only allowed when the window was empty.
            check(window.empty());
            break;
        }
        body.remove_prefix(step.consumed);
    }
    check(total <= 1ull << 62);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    rr::http::RequestHead head;
    auto r = rr::http::h1::parse_request_head(in, rr::http::h1::HeadLimits{8192}, head);
    if (r.status == rr::http::h1::HeadStatus::kError) {
        check(r.http_status >= 400 && r.http_status <= 505);
        return 0;
    }
    if (r.status != rr::http::h1::HeadStatus::kComplete) return 0;
    check(r.consumed <= in.size());
    check(!(head.framing == rr::http::BodyFraming::kChunked &&
            head.fields.contains("content-length")));

    rr::http::MappingOptions opts;
    opts.trusted_subnets.push_back(rr::parse_cidr("0.0.0.0/0").value());
    auto mapped = rr::http::map_request(head, boost::asio::ip::address_v4::loopback(), opts);
    check(mapped.uri.find('\r') == std::string::npos);
    check(mapped.uri.find('\n') == std::string::npos);
    for (const auto& h : mapped.headers) check(!rr::http::iequals(h.name, "host"));

    std::string_view rest = in.substr(r.consumed);
    if (head.framing == rr::http::BodyFraming::kChunked) {
        decode_chunked(rest, 1);
        decode_chunked(rest, 7);
        decode_chunked(rest, rest.size() + 1);
    }
    return 0;
}
