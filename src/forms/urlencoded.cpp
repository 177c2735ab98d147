#include "forms/urlencoded.h"

#include <cstring>

namespace rr::forms {

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

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
    out.clear();
    out.reserve(in.size());
    std::size_t i = 0;
    while (i < in.size()) {
        // Copy runs without '%' or '+' in bulk.
        std::size_t run = i;
        while (run < in.size() && in[run] != '%' && in[run] != '+') {
            ++run;
        }
        out.append(in.data() + i, run - i);
        i = run;
        if (i == in.size()) {
            break;
        }
        if (in[i] == '+') {
            out += ' ';
            ++i;
            continue;
        }
        if (in.size() - i < 3) {
            return false;
        }
        const int hi = hex_value(in[i + 1]);
        const int lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 3;
    }
    return true;
}

boost::system::error_code parse_urlencoded(std::string_view body, FormValues& out) {
    return for_each_pair(
        body, [&](std::string& name, std::string& value) { out.add(name, std::move(value)); });
}

boost::system::error_code check_query_string(std::string_view raw_query) {
    return for_each_pair(raw_query, [](std::string&, std::string&) {});
}

}  // namespace rr::forms
