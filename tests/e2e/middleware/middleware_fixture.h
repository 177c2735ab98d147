#pragma once
// Fixture for the middleware e2e suites: HttpE2E (tests/e2e/http/rr_fixture.h) with the
// counting worker (php/middleware.php), a public directory in the test's temp dir, and helpers
// to run real clients (curl, python3) with bounded time.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "e2e/http/rr_fixture.h"

namespace rr::e2e {

/// Output and exit status of a shell command (bounded by `timeout` seconds via timeout(1)).
struct CommandResult {
    int status = -1;
    std::string output;
};

inline CommandResult run_command(const std::string& command, int timeout_s = 30) {
    CommandResult r;
    const std::string full = "timeout " + std::to_string(timeout_s) + " " + command + " 2>&1";
    FILE* p = ::popen(full.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
    const int status = ::pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

/// Debian's interpreter (whose python3-brotli / python3-zstandard packages the tests use)
/// when present, else whatever `python3` is on PATH.
inline std::string python3() {
    return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/// True when `python3 -c "import <module>"` works.
inline bool python_has(const std::string& module) {
    return run_command(python3() + " -c 'import " + module + "'").status == 0;
}

class MiddlewareE2E : public HttpE2E {
protected:
    void SetUp() override {
        HttpE2E::SetUp();
        fs::create_directories(public_dir());
    }

    fs::path public_dir() const { return dir_ / "public"; }

    void write_file(const fs::path& p, const std::string& content) {
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
    }

    /// Starts rr with `middleware_yaml` (lines under `http:`, 2-space indented) and the
    /// counting worker.
    void start_with(const std::string& middleware_yaml, int workers = 1) {
        start(Scenario().worker("middleware.php").workers(workers).http_extra(middleware_yaml));
    }

    /// How many requests the (single) worker has served, this one included.
    int php_count() {
        auto r = exchange(get("/count"));
        if (!r || r->status != 200) return -1;
        return std::stoi(r->body);
    }

    std::string url(const std::string& target) const { return "http://" + host() + target; }
};

/// A deterministic, compressible text of `n` bytes.
inline std::string json_text(std::size_t n) {
    std::string s = "[";
    for (int i = 0; s.size() < n; ++i) {
        s += "{\"id\":" + std::to_string(i) + ",\"name\":\"item " + std::to_string(i) +
             "\",\"tags\":[\"a\",\"b\"]},";
    }
    s.resize(n);
    return s;
}

}  // namespace rr::e2e
