#include "forms/urlencoded.h"

#include <cstring>

#include "common/percent.h"

namespace rr::forms {

namespace {

// Walks the segments of a query; calls on_pair(name, value) for each decodable pair.
template <class F>
boost::system::error_code for_each_pair(std::string_view query, F&& on_pair) {
    boost::system::error_code first_error;
    auto fail = [&] {
        if (!first_error) {
            first_error = make_error_code(errc::kFormMalformed);
        }
    };
    std::string name;
    std::string value;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        std::string_view segment = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (segment.find(';') != std::string_view::npos) {
            fail();  // Go 1.17+: "invalid semicolon separator in query"
            continue;
        }
        if (segment.empty()) {
            continue;
        }
        const std::size_t eq = segment.find('=');
        const std::string_view raw_name = segment.substr(0, eq);
        const std::string_view raw_value =
            eq == std::string_view::npos ? std::string_view{} : segment.substr(eq + 1);
        if (!query_unescape(raw_name, name) || !query_unescape(raw_value, value)) {
            fail();
            continue;
        }
        on_pair(name, value);
    }
    return first_error;
}

}  // namespace

bool query_unescape(std::string_view in, std::string& out) {
    return percent_decode(in, out, /*plus_as_space=*/true);
}

boost::system::error_code parse_urlencoded(std::string_view body, FormValues& out) {
    return for_each_pair(
        body, [&](std::string& name, std::string& value) { out.add(name, std::move(value)); });
}

boost::system::error_code check_query_string(std::string_view raw_query) {
    return for_each_pair(raw_query, [](std::string&, std::string&) {});
}

}  // namespace rr::forms
