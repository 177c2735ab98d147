#pragma once
// HTML escaping for the few texts rr writes into HTML or error bodies (pool.debug errors, the
// HTTPS redirect page). Thread safety: pure functions.

#include <string>
#include <string_view>

namespace rr {

/// Go's html.EscapeString: `<`, `>`, `&`, `'` and `"` become entities.
inline std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '"':
                out += "&#34;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace rr
