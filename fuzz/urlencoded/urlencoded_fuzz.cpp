// Fuzzes urlencoded parsing and the PHP-style tree: no crash/UB, the JSON output always
// parses, and parse_urlencoded agrees with check_query_string about errors.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "forms/form_parser.h"
#include "forms/urlencoded.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    rr::forms::FormValues values;
    const auto ec = rr::forms::parse_urlencoded(body, values);
    if (ec != rr::forms::check_query_string(body)) {
        __builtin_trap();
    }

    rr::forms::FormSettings settings;
    rr::forms::FormParser parser(rr::forms::BodyClass{rr::forms::BodyKind::kUrlencoded, "", true},
                                 settings);
    // Feed in two pieces to exercise accumulation.
    const std::size_t half = size / 2;
    if (parser.feed(body.substr(0, half)) || parser.feed(body.substr(half))) {
        return 0;
    }
    auto form = parser.finish();
    if (form) {
        if (ec || !nlohmann::json::accept(form.value().data_json)) {
            __builtin_trap();
        }
    } else if (!ec && form.error() != rr::make_error_code(rr::errc::kFormInvalidTree)) {
        __builtin_trap();
    }
    return 0;
}
