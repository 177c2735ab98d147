// Fuzzes the pure parsers of the static and gzip middleware with one input split into fields
// (first byte picks the size, the rest is split on '\n'): path mapping, Range against a size,
// the conditional-request decision, HTTP dates, Accept-Encoding and content types. Checks
// invariants, not just "no crash": a mapped path never contains "..", never starts with '/',
// ranges stay inside the body and satisfy the limits.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/gzip/coding.h"
#include "plugins/static/conditional.h"
#include "plugins/static/path.h"

using namespace rr::plugins;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

std::vector<std::string_view> fields(std::string_view in) {
    std::vector<std::string_view> out;
    while (out.size() < 8) {
        const auto nl = in.find('\n');
        out.push_back(in.substr(0, nl));
        if (nl == std::string_view::npos) break;
        in.remove_prefix(nl + 1);
    }
    while (out.size() < 8) out.emplace_back();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint64_t body_size = static_cast<std::uint64_t>(data[0]) * 97;
    const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto f = fields(in);

    // Path mapping.
    const StaticPath p = resolve_static_path(f[0]);
    if (p.verdict == PathVerdict::kFile) {
        check(!p.relative.empty() && p.relative.front() != '/');
        check(p.relative.find("..") == std::string::npos);
        check(p.relative.find('\0') == std::string::npos);
        check(!p.extension.empty() && p.extension.front() == '.');
    }

    // Range.
    std::vector<ByteRange> ranges;
    const RangeStatus rs = parse_range(f[1], body_size, ranges);
    if (rs == RangeStatus::kOk) {
        check(ranges.size() <= kMaxRanges);
        std::uint64_t sum = 0;
        for (const auto& r : ranges) {
            check(r.length > 0 && r.start < body_size && r.length <= body_size - r.start);
            sum += r.length;
        }
        check(sum <= body_size);
    } else {
        check(ranges.empty());
    }

    // Conditions and dates.
    ConditionalRequest cr;
    cr.method = f[2].size() % 2 == 0 ? "GET" : "POST";
    cr.if_match = f[2];
    cr.if_none_match = f[3];
    cr.if_modified_since = f[4];
    cr.if_unmodified_since = f[4];
    cr.if_range = f[5];
    cr.range = f[1];
    const ConditionalResult res = evaluate_conditions(cr, Validators{f[6], 784111777});
    check(res.outcome == Precondition::kProceed || !res.use_range);
    (void)parse_http_date(f[4]);

    // Accept-Encoding and content types.
    static constexpr Coding kOffered[] = {Coding::kZstd, Coding::kBrotli, Coding::kGzip};
    const Coding c = negotiate_coding(f[7], kOffered);
    check(c == Coding::kIdentity || c == Coding::kZstd || c == Coding::kBrotli ||
          c == Coding::kGzip);
    (void)compressible_type(f[6]);
    return 0;
}
