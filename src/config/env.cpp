// Environment handling: `${VAR}` expansion and `.env` files.

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/internal.h"

namespace rr::config {

namespace {

bool is_name_start(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

std::string getenv_or_empty(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

std::string expand_env(std::string_view text) {
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
                // Unterminated "${": keep the text as written.
                out.append(text.substr(i));
                break;
            }
            const std::string_view body = text.substr(i + 2, close - i - 2);
            const auto def = body.find(":-");
            if (def == std::string_view::npos) {
                out += getenv_or_empty(std::string(body));
            } else {
                std::string value = getenv_or_empty(std::string(body.substr(0, def)));
                out += value.empty() ? std::string(body.substr(def + 2)) : value;
            }
            i = close + 1;
        } else if (is_name_start(next)) {
            std::size_t j = i + 1;
            while (j < text.size() && is_name_char(text[j])) {
                ++j;
            }
            out += getenv_or_empty(std::string(text.substr(i + 1, j - i - 1)));
            i = j;
        } else {
            // "$" not followed by a name ("$1", "$ ", "$$"): literal.
            out += c;
            ++i;
        }
    }
    return out;
}

namespace detail {

void load_dotenv(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw ConfigError("--dotenv", "cannot read \"" + path + "\"");
    }
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        std::string_view l = line;
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) {
            l.remove_prefix(1);
        }
        while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) {
            l.remove_suffix(1);
        }
        if (l.empty() || l.front() == '#') {
            continue;
        }
        if (l.substr(0, 7) == "export ") {
            l.remove_prefix(7);
        }
        const auto eq = l.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            throw ConfigError("--dotenv",
                              path + ":" + std::to_string(line_no) + ": expected KEY=VALUE");
        }
        std::string_view key = l.substr(0, eq);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) {
            key.remove_suffix(1);
        }
        std::string_view raw = l.substr(eq + 1);
        while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) {
            raw.remove_prefix(1);
        }
        std::string value;
        if (raw.size() >= 2 && raw.front() == '\'' && raw.find('\'', 1) != std::string_view::npos) {
            value = std::string(raw.substr(1, raw.find('\'', 1) - 1));  // literal
        } else if (raw.size() >= 2 && raw.front() == '"') {
            std::size_t k = 1;
            for (; k < raw.size() && raw[k] != '"'; ++k) {
                if (raw[k] == '\\' && k + 1 < raw.size()) {
                    ++k;
                    value += raw[k] == 'n' ? '\n' : raw[k];
                } else {
                    value += raw[k];
                }
            }
        } else {
            // Unquoted: an inline " #" starts a comment.
            const auto hash = raw.find(" #");
            value = std::string(raw.substr(0, hash));
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
                value.pop_back();
            }
        }
        // Like godotenv.Load (used by upstream): variables already set are kept.
        ::setenv(std::string(key).c_str(), value.c_str(), 0);
    }
}

}  // namespace detail

}  // namespace rr::config
