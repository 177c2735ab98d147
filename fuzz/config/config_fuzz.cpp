// Fuzzes the control plane's only untrusted-ish input, the configuration: a document goes
// through config::parse_string (YAML or JSON, env expansion, version check, logs/endure) and
// then every section a plugin owns through that plugin's decoder. The contract under test:
// bad input throws config::ConfigError (a message naming the key) and nothing else — no
// other exception, crash, hang or sanitizer report. The first line, when it starts with "-o ",
// is applied as a `-o` override.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/reader.h"
#include "plugins/gzip/config.h"
#include "plugins/headers/config.h"
#include "plugins/http/config.h"
#include "plugins/metrics/config.h"
#include "plugins/reload/config.h"
#include "plugins/rpc/config.h"
#include "plugins/sendfile/config.h"
#include "plugins/server/config.h"
#include "plugins/static/config.h"
#include "plugins/status/config.h"

namespace {

namespace config = rr::config;
namespace plugins = rr::plugins;

bool mentions_files(std::string_view text) {
    // `include` reads other files and `envfile`/dotenv change the process environment: both
    // would make runs depend on the machine and on earlier inputs. Those paths have unit tests.
    std::string lower(text);
    for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return lower.find("include") != std::string::npos || lower.find("envfile") != std::string::npos;
}

/// Runs `decode` and accepts only ConfigError as a failure.
template <class F>
void decode_or_config_error(F&& decode) {
    try {
        decode();
    } catch (const config::ConfigError& e) {
        if (std::string_view(e.what()).empty()) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    if (size > 64 * 1024 || mentions_files(in)) return 0;

    config::LoadOptions opts;
    opts.path = "fuzz.yaml";
    opts.workdir = "/nonexistent-rr-fuzz";
    if (in.substr(0, 3) == "-o ") {
        const auto eol = in.find('\n');
        opts.overrides.emplace_back(
            in.substr(3, eol == std::string_view::npos ? in.npos : eol - 3));
        in = eol == std::string_view::npos ? std::string_view() : in.substr(eol + 1);
    }

    config::Config cfg;
    try {
        cfg = config::parse_string(in, opts);
    } catch (const config::ConfigError&) {
        return 0;
    }

    config::Warnings warnings;
    const config::DecodeContext ctx{"/nonexistent-rr-fuzz", &warnings};
    auto with = [&](std::string_view name, auto decode) {
        if (const config::Node* n = cfg.section(name)) {
            decode_or_config_error([&] { decode(*n, std::string(name)); });
        }
    };
    with("http", [&](const config::Node& n, const std::string& p) {
        (void)plugins::decode_http_config(n, p, ctx);
        const config::Node* gz = n.is_map() ? n.find_nocase("gzip") : nullptr;
        (void)plugins::decode_gzip_config(gz, p + ".gzip", ctx);
        const config::Node* sf = n.is_map() ? n.find_nocase("sendfile") : nullptr;
        (void)plugins::decode_sendfile_config(sf, p + ".sendfile", ctx);
        if (const config::Node* st = n.is_map() ? n.find_nocase("static") : nullptr) {
            decode_or_config_error(
                [&] { (void)plugins::decode_static_config(*st, p + ".static", ctx); });
        }
        if (const config::Node* h = n.is_map() ? n.find_nocase("headers") : nullptr) {
            decode_or_config_error(
                [&] { (void)plugins::decode_headers_config(*h, p + ".headers", ctx); });
        }
    });
    with("server", [&](const config::Node& n, const std::string& p) {
        (void)plugins::decode_server_config(n, p, ctx);
    });
    with("rpc", [&](const config::Node& n, const std::string& p) {
        (void)plugins::decode_rpc_config(n, p, ctx);
    });
    with("metrics", [&](const config::Node& n, const std::string& p) {
        (void)plugins::decode_metrics_config(n, p, ctx);
    });
    with("status", [&](const config::Node& n, const std::string& p) {
        (void)plugins::decode_status_config(n, p, ctx);
    });
    with("reload", [&](const config::Node& n, const std::string& p) {
        (void)plugins::decode_reload_config(n, p, ctx);
    });
    return 0;
}
