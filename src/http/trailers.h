#pragma once
// Trailers a response announces: the field names listed in its `Trailer` header(s), with the
// values the handler sets later. Shared by the HTTP/1.1 (chunked trailer section) and HTTP/2
// (trailing HEADERS) writers. Thread safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "http/fields.h"

namespace rr::http {

/// Every token named by a `Trailer` field of `headers`, each with an empty value; framing names
/// (content-length, transfer-encoding, trailer) are never trailers and are left out.
inline std::vector<Field> declared_trailers(const Fields& headers) {
    std::vector<Field> out;
    for (const auto& f : headers) {
        if (!iequals(f.name, "trailer")) continue;
        std::string_view list = f.value;
        while (true) {
            const auto comma = list.find(',');
            auto item = list.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            if (is_token(item) && !iequals(item, "content-length") &&
                !iequals(item, "transfer-encoding") && !iequals(item, "trailer")) {
                out.push_back(Field{std::string(item), {}});
            }
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    }
    return out;
}

/// Takes each declared trailer's latest value from `headers` where it is set.
inline void update_trailer_values(std::vector<Field>& trailers, const Fields& headers) {
    for (auto& t : trailers) {
        if (const std::string* v = headers.find(t.name)) t.value = *v;
    }
}

}  // namespace rr::http
