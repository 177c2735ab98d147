#pragma once
// Helpers for tests that load config text: temp directories, env variables, error matching,
// and decoding one section with a plugin's decoder (the way InitContext::decode does).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "config/config.h"
#include "config/reader.h"

namespace rr::config::test {

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "rr_config_XXXXXX").string();
        char* made = ::mkdtemp(tmpl.data());
        EXPECT_NE(made, nullptr);
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    std::string write(const std::string& name, const std::string& text) const {
        const auto p = path_ / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p.string();
    }

private:
    std::filesystem::path path_;
};

/// Sets (or unsets, with nullptr) an environment variable for the scope.
class ScopedEnv {
public:
    ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
        if (const char* old = std::getenv(name_.c_str())) {
            old_ = old;
        }
        if (value != nullptr) {
            ::setenv(name_.c_str(), value, 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_.c_str(), old_->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string name_;
    std::optional<std::string> old_;
};

/// The what() of the ConfigError thrown by parse_string, or "<no error>".
inline std::string error_of(const std::string& yaml, const LoadOptions& opts = {}) {
    try {
        (void)parse_string(yaml, opts);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

/// Loads `yaml` and decodes its top-level `section` with `decode(node, path, ctx)`; warnings
/// go to `warnings` when given. Throws ConfigError like the decoder (or the loader).
template <class Decode>
auto decode_section(const std::string& yaml, const std::string& section, Decode decode,
                    Warnings* warnings = nullptr) {
    const Config cfg = parse_string(yaml);
    Warnings local;
    const DecodeContext ctx{cfg.base_dir, warnings != nullptr ? warnings : &local};
    const Node* node = cfg.section(section);
    static const Node kNull{};
    return decode(node != nullptr ? *node : kNull, section, ctx);
}

/// The what() of the ConfigError a decoder throws for `section` of `yaml`, or "<no error>".
template <class Decode>
std::string decode_error(const std::string& yaml, const std::string& section, Decode decode) {
    try {
        (void)decode_section(yaml, section, decode);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

/// The node at a dotted path of the loaded document ("http.pool.num_workers"; "a.b[1]" for a
/// list item), or nullptr.
inline const Node* node_at(const Config& cfg, const std::string& dotted) {
    const Node* cur = &cfg.root;
    std::size_t start = 0;
    while (cur != nullptr && start <= dotted.size()) {
        const auto dot = dotted.find('.', start);
        std::string part = dotted.substr(start, dot == std::string::npos ? dot : dot - start);
        std::optional<std::size_t> index;
        if (const auto br = part.find('['); br != std::string::npos) {
            index = std::stoul(part.substr(br + 1));
            part.resize(br);
        }
        cur = cur->is_map() ? cur->find_nocase(part) : nullptr;
        if (cur != nullptr && index) {
            cur = (cur->is_seq() && *index < cur->items.size()) ? &cur->items[*index] : nullptr;
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return cur;
}

/// The scalar text at a dotted path, or "<absent>" / "<not a scalar>".
inline std::string value_at(const Config& cfg, const std::string& dotted) {
    const Node* n = node_at(cfg, dotted);
    if (n == nullptr) return "<absent>";
    return n->is_scalar() ? n->scalar : "<not a scalar>";
}

/// A minimal valid document with an http section; `extra` is appended under `http:`.
inline std::string http_doc(const std::string& extra) {
    return "version: \"3\"\n"
           "server:\n  command: php worker.php\n"
           "http:\n  address: 127.0.0.1:8080\n" +
           extra;
}

}  // namespace rr::config::test
