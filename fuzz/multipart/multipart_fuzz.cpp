// Fuzzes the streaming multipart parser. The first input byte seeds a random chunking; the
// rest is the body (boundary "XyZ"). Checked properties:
// - no crash, leak or UB (ASan/UBSan);
// - chunking never changes the outcome: the part events of a whole-body parse equal those of
//   the randomly chunked parse, and the error (if any) is the same;
// - held-back bytes stay bounded (header limit or delimiter length);
// - the data and uploads JSON always parse (valid UTF-8 JSON), and temp files are removed.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "forms/form_parser.h"
#include "forms/multipart_reader.h"

namespace {

using rr::forms::MultipartLimits;
using rr::forms::MultipartReader;
using rr::forms::MultipartSink;
using rr::forms::PartHeaders;

constexpr std::string_view kBoundary = "XyZ";

class LogSink final : public MultipartSink {
public:
    boost::system::error_code on_part_begin(const PartHeaders& h) override {
        log += '\x01' + h.content_disposition + '\x02' + h.content_type + '\x03';
        return {};
    }
    boost::system::error_code on_part_data(std::string_view data) override {
        if (data.empty()) {
            __builtin_trap();
        }
        log.append(data);
        return {};
    }
    boost::system::error_code on_part_end() override {
        log += '\x04';
        return {};
    }
    std::string log;
};

struct Run {
    std::string log;
    boost::system::error_code error;
};

Run run_reader(std::string_view body, std::uint8_t seed, bool chunked,
               const MultipartLimits& limits) {
    LogSink sink;
    MultipartReader reader(kBoundary, limits, sink);
    std::minstd_rand rng(seed);
    boost::system::error_code ec;
    const std::size_t bound =
        std::max(limits.max_header_bytes, std::string_view("\r\n--XyZ").size() + 1);
    while (!body.empty() && !ec) {
        std::size_t n = body.size();
        if (chunked) {
            n = std::min<std::size_t>(body.size(), rng() % 17);
        }
        ec = reader.feed(body.substr(0, n));
        body.remove_prefix(n);
        if (reader.buffered() > bound) {
            __builtin_trap();
        }
    }
    if (!ec) {
        ec = reader.finish();
    }
    return {sink.log, ec};
}

std::string upload_dir() {
    static const std::string dir = [] {
        std::string tmpl = "/tmp/rr-forms-fuzz-XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) {
            std::abort();
        }
        return tmpl;
    }();
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::uint8_t seed = data[0];
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    MultipartLimits limits;
    limits.max_header_bytes = 256;
    limits.max_parts = 16;

    const Run whole = run_reader(body, seed, false, limits);
    const Run chunked = run_reader(body, seed, true, limits);
    if (whole.error != chunked.error) {
        __builtin_trap();
    }
    // Events up to an error may differ in how far they got only if the error differs; with
    // equal outcomes the logs must match exactly when both succeeded.
    if (!whole.error && whole.log != chunked.log) {
        __builtin_trap();
    }

    rr::forms::FormSettings settings;
    settings.uploads.dir = upload_dir();
    settings.uploads.forbid = {".php"};
    settings.multipart = limits;
    settings.max_value_bytes = 4096;
    rr::forms::BodyClass cls{rr::forms::BodyKind::kMultipart, std::string(kBoundary), false};
    std::string tmp_names;
    {
        rr::forms::FormParser parser(cls, settings);
        std::minstd_rand rng(seed);
        std::string_view rest = body;
        bool failed = false;
        while (!rest.empty() && !failed) {
            const std::size_t n = std::min<std::size_t>(rest.size(), 1 + rng() % 64);
            failed = static_cast<bool>(parser.feed(rest.substr(0, n)));
            rest.remove_prefix(n);
        }
        auto form = parser.finish();
        if (form) {
            if (!nlohmann::json::accept(form.value().data_json) ||
                !nlohmann::json::accept(form.value().uploads_json)) {
                __builtin_trap();
            }
            for (const auto& f : form.value().files) {
                tmp_names += f.tmp_name;
                tmp_names += '\n';
            }
        }
    }
    // Every temp file is gone once the form and the parser are destroyed.
    std::size_t start = 0;
    while (start < tmp_names.size()) {
        const std::size_t end = tmp_names.find('\n', start);
        const std::string path = tmp_names.substr(start, end - start);
        if (!path.empty() && ::access(path.c_str(), F_OK) == 0) {
            __builtin_trap();
        }
        start = end + 1;
    }
    return 0;
}
