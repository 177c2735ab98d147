#include "forms/media_type.h"

#include <string_view>

#include "common/percent.h"

namespace rr::forms {

namespace {

bool is_tspecial(char c) noexcept {
    return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos;
}

bool is_token_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && !is_tspecial(c);
}

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim_left(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    return s;
}

std::string_view trim(std::string_view s) {
    s = trim_left(s);
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

// Splits the leading token off `s`.
std::string_view consume_token(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && is_token_char(s[n])) {
        ++n;
    }
    std::string_view token = s.substr(0, n);
    s.remove_prefix(n);
    return token;
}

bool valid_media_type(std::string_view s) {
    if (consume_token(s).empty()) {
        return false;
    }
    if (s.empty()) {
        return true;
    }
    if (s.front() != '/') {
        return false;
    }
    s.remove_prefix(1);
    return !consume_token(s).empty() && s.empty();
}

// A token or a quoted string; returns false when neither can be read.
bool consume_value(std::string_view& s, std::string& value) {
    value.clear();
    if (s.empty()) {
        return false;
    }
    if (s.front() != '"') {
        value.assign(consume_token(s));
        return !value.empty();
    }
    for (std::size_t i = 1; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '"') {
            s.remove_prefix(i + 1);
            return true;
        }
        if (c == '\\' && i + 1 < s.size() && is_tspecial(s[i + 1])) {
            value += s[i + 1];
            ++i;
            continue;
        }
        if (c == '\r' || c == '\n') {
            return false;
        }
        value += c;
    }
    return false;  // no closing quote
}

// RFC 2231 `charset'language'percent-encoded`; only utf-8 and us-ascii are accepted.
bool decode_2231(std::string_view v, std::string& out) {
    const std::size_t q1 = v.find('\'');
    if (q1 == std::string_view::npos) {
        return false;
    }
    const std::size_t q2 = v.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) {
        return false;
    }
    const std::string charset = lower(v.substr(0, q1));
    if (charset != "utf-8" && charset != "us-ascii") {
        return false;
    }
    return percent_decode(v.substr(q2 + 1), out, /*plus_as_space=*/false);
}

}  // namespace

const std::string* MediaType::param(std::string_view name) const {
    auto it = params.find(std::string(name));
    return it == params.end() ? nullptr : &it->second;
}

Result<MediaType> parse_media_type(std::string_view value) {
    const std::size_t semi = value.find(';');
    MediaType out;
    out.type = std::string(trim(lower(value.substr(0, semi))));
    if (!valid_media_type(out.type)) {
        return make_error_code(errc::kFormMalformed);
    }
    std::string_view rest =
        semi == std::string_view::npos ? std::string_view{} : value.substr(semi);
    // base name → (full parameter name → raw value) for RFC 2231 parameters.
    std::map<std::string, std::map<std::string, std::string>> extended;
    std::string param_value;
    while (true) {
        rest = trim_left(rest);
        if (rest.empty()) {
            break;
        }
        std::string_view cursor = rest;
        bool ok = false;
        std::string name;
        if (cursor.front() == ';') {
            cursor = trim_left(cursor.substr(1));
            name = lower(consume_token(cursor));
            if (!name.empty()) {
                cursor = trim_left(cursor);
                if (!cursor.empty() && cursor.front() == '=') {
                    cursor = trim_left(cursor.substr(1));
                    ok = consume_value(cursor, param_value);  // `""` is a valid empty value
                }
            }
        }
        if (!ok) {
            if (trim(rest) == ";") {
                break;  // a trailing semicolon is not an error
            }
            return make_error_code(errc::kFormMalformed);
        }
        std::map<std::string, std::string>* target = &out.params;
        if (const std::size_t star = name.find('*'); star != std::string::npos) {
            target = &extended[name.substr(0, star)];
        }
        auto [it, inserted] = target->emplace(name, param_value);
        if (!inserted && it->second != param_value) {
            return make_error_code(errc::kFormMalformed);
        }
        rest = cursor;
    }

    std::string decoded;
    for (const auto& [base, pieces] : extended) {
        if (auto single = pieces.find(base + "*"); single != pieces.end()) {
            if (decode_2231(single->second, decoded)) {
                out.params[base] = decoded;
            }
            continue;
        }
        std::string joined;
        bool valid = false;
        for (int n = 0;; ++n) {
            const std::string simple = base + "*" + std::to_string(n);
            if (auto it = pieces.find(simple); it != pieces.end()) {
                valid = true;
                joined += it->second;
                continue;
            }
            auto it = pieces.find(simple + "*");
            if (it == pieces.end()) {
                break;
            }
            valid = true;
            if (n == 0) {
                if (decode_2231(it->second, decoded)) {
                    joined += decoded;
                }
            } else if (percent_decode(it->second, decoded, /*plus_as_space=*/false)) {
                joined += decoded;
            }
        }
        if (valid) {
            out.params[base] = joined;
        }
    }
    return out;
}

}  // namespace rr::forms
