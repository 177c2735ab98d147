#include "common/expand_env.h"

#include <cstdlib>

namespace rr {

namespace {

bool is_letter(char c) noexcept {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

std::string getenv_or_empty(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

std::string expand_env(std::string_view text, const ExpandEnvOptions& options) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c != '$' || i + 1 >= text.size()) {
            out += c;
            ++i;
            continue;
        }
        const char next = text[i + 1];
        if (next == '{') {
            const auto close = text.find('}', i + 2);
            if (close == std::string_view::npos) {
                out.append(text.substr(i));  // unterminated: keep the text as written
                break;
            }
            const std::string_view body = text.substr(i + 2, close - i - 2);
            const auto def = options.defaults ? body.find(":-") : std::string_view::npos;
            if (def == std::string_view::npos) {
                out += getenv_or_empty(std::string(body));
            } else {
                std::string value = getenv_or_empty(std::string(body.substr(0, def)));
                out += value.empty() ? std::string(body.substr(def + 2)) : value;
            }
            i = close + 1;
        } else if (is_letter(next) || (options.digit_starts_name && is_digit(next))) {
            std::size_t j = i + 1;
            while (j < text.size() && (is_letter(text[j]) || is_digit(text[j]))) {
                ++j;
            }
            out += getenv_or_empty(std::string(text.substr(i + 1, j - i - 1)));
            i = j;
        } else {
            out += c;  // "$ ", "$$", "$-": literal
            ++i;
        }
    }
    return out;
}

}  // namespace rr
