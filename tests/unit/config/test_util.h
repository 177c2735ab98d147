#pragma once
// Helpers for the config tests: temp directories, env variables, error matching.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"

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

/// A minimal valid document with an http section; `extra` is appended under `http:`.
inline std::string http_doc(const std::string& extra) {
    return "version: \"3\"\n"
           "server:\n  command: php worker.php\n"
           "http:\n  address: 127.0.0.1:8080\n" +
           extra;
}

}  // namespace rr::config::test
