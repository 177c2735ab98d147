// Environment handling: `${VAR}` expansion (common/expand_env.h) and `.env` files.

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/expand_env.h"
#include "config/config.h"
#include "config/internal.h"

namespace rr::config {

std::string expand_env(std::string_view text) {
    return rr::expand_env(text, ExpandEnvOptions{.defaults = true, .digit_starts_name = false});
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
