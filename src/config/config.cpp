// The loading pipeline (see config.h for the order of steps).

#include "config/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/internal.h"
#include "config/reader.h"
#include "config/tree.h"

namespace rr::config {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kVersion = "3";
constexpr std::string_view kPreviousVersion = "2.7";

std::string join_what(const std::string& key_path, const std::string& reason) {
    return key_path.empty() ? reason : key_path + ": " + reason;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string read_file(const std::string& path, const std::string& what) {
    std::error_code dir_ec;
    if (fs::is_directory(path, dir_ec)) {
        throw ConfigError("", "cannot read " + what + " \"" + path + "\": it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError("", "cannot read " + what + " \"" + path + "\": " + std::strerror(errno));
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool looks_non_string(const Node& v) {
    static const std::regex number(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    return !v.quoted &&
           (std::regex_match(v.scalar, number) || v.scalar == "true" || v.scalar == "false");
}

/// Returns the version string of a document; `source` names the file in messages.
std::string check_version(const Node& root, const std::string& source) {
    const std::string where = source.empty() ? "" : " (in " + source + ")";
    const Node* v = root.find("version");
    if (v == nullptr || v->is_null()) {
        throw ConfigError("version", "required; add version: \"3\"" + where);
    }
    if (!v->is_scalar() || looks_non_string(*v)) {
        fail_expected("version", "the string \"3\" (quote it: version: \"3\")" + where, *v);
    }
    return v->scalar;
}

fs::path resolve_against(const std::string& base, const std::string& p) {
    fs::path path(p);
    if (path.is_relative() && !base.empty()) {
        path = fs::path(base) / path;
    }
    return path;
}

/// `include`: a list of paths, or one string of whitespace-separated paths.
std::vector<std::string> include_list(const Node& root) {
    const Node* inc = root.find("include");
    if (inc == nullptr || inc->is_null()) {
        return {};
    }
    if (inc->is_scalar()) {
        return as_string_list(*inc, "include", " \t\r\n");
    }
    return as_string_list(*inc, "include");
}

/// Decodes the app's own sections; every other section is left to the plugin that owns it.
Config decode(Node root, const std::string& version, const std::string& base_dir,
              std::vector<std::string> warnings) {
    Config cfg;
    cfg.version = version;
    cfg.base_dir = base_dir;
    cfg.warnings = std::move(warnings);
    const DecodeContext ctx{base_dir, &cfg.warnings};
    if (const Node* logs = root.find_nocase("logs"); logs != nullptr && !logs->is_null()) {
        cfg.logs = detail::decode_logs(*logs, "logs", ctx);
    }
    if (const Node* endure = root.find_nocase("endure"); endure != nullptr && !endure->is_null()) {
        cfg.endure = detail::decode_endure(*endure, "endure", ctx);
    }
    // A cross-section rule the plugin container cannot see (http is disabled, not failed,
    // when its dependency is absent): an http section needs the worker command.
    const Node* http = root.find_nocase("http");
    const Node* server = root.find_nocase("server");
    if (http != nullptr && !http->is_null() && (server == nullptr || server->is_null())) {
        throw ConfigError("server",
                          "section required by http (server.command starts the PHP workers)");
    }
    cfg.root = std::move(root);
    return cfg;
}

Config run_pipeline(std::string_view text, const std::string& source, const std::string& config_dir,
                    const LoadOptions& opts) {
    if (!opts.dotenv.empty()) {
        detail::load_dotenv(opts.dotenv);
    }
    // Relative `include`/`envfile` paths: the working dir when given, else the config's dir.
    const std::string base = !opts.workdir.empty() ? opts.workdir : config_dir;

    Node root = detail::parse_document(text, source);

    // `envfile` (next to the config) must be loaded before anything is expanded.
    if (const Node* envfile = root.find("envfile");
        envfile != nullptr && envfile->is_scalar() && !envfile->scalar.empty()) {
        const fs::path p = resolve_against(config_dir.empty() ? base : config_dir, envfile->scalar);
        try {
            detail::load_dotenv(p.string());
        } catch (const ConfigError& e) {
            throw ConfigError("envfile", "cannot read \"" + p.string() + "\"");
        }
    }
    detail::expand_tree(root);

    Node overrides = Node::make_map();
    for (const auto& o : opts.overrides) {
        detail::apply_override(overrides, o);
    }
    detail::expand_tree(overrides);
    detail::deep_merge(root, overrides);

    const std::string version = check_version(root, "");
    std::vector<std::string> warnings;
    if (version == kPreviousVersion) {
        warnings.emplace_back(
            "version: \"2.7\" is deprecated; loaded as version \"3\" (update the file to "
            "version: \"3\")");
    } else if (version != kVersion) {
        throw ConfigError("version",
                          "unsupported configuration version \"" + version + "\"; expected \"3\"");
    }

    for (const auto& inc : include_list(root)) {
        const fs::path p = resolve_against(base, inc);
        Node included = detail::parse_document(read_file(p.string(), "included file"), p.string());
        detail::expand_tree(included);
        const std::string inc_version = check_version(included, p.string());
        if (inc_version != version) {
            throw ConfigError("include", "\"" + p.string() + "\" has version \"" + inc_version +
                                             "\" but the root config has \"" + version + "\"");
        }
        included.erase("include");  // includes do not nest, as upstream
        detail::deep_merge(root, included);
    }
    // `-o` wins over included files too.
    detail::deep_merge(root, overrides);

    std::string raw_json = detail::to_json(root);
    Config cfg = decode(std::move(root), version, base, std::move(warnings));
    cfg.raw_json = std::move(raw_json);
    return cfg;
}

}  // namespace

ConfigError::ConfigError(std::string key_path, std::string reason)
    : std::runtime_error(join_what(key_path, reason)),
      key_path_(std::move(key_path)),
      reason_(std::move(reason)) {}

const Node* Config::section(std::string_view name) const {
    const Node* n = root.find_nocase(name);
    return (n == nullptr || n->is_null()) ? nullptr : n;
}

std::vector<std::string> Config::section_names() const {
    std::vector<std::string> out;
    for (const auto& [key, node] : root.entries) {
        const std::string k = lower(key);
        if (k != "version" && k != "include" && k != "envfile") out.push_back(key);
    }
    return out;
}

const LogSettings& LogsConfig::for_channel(std::string_view name) const {
    auto it = channels.find(std::string(name));
    return it == channels.end() ? static_cast<const LogSettings&>(*this) : it->second;
}

Config load(const LoadOptions& opts) {
    const std::string text = read_file(opts.path, "config file");
    std::error_code ec;
    fs::path abs = fs::absolute(opts.path, ec);
    const std::string dir = ec ? std::string() : abs.parent_path().string();
    return run_pipeline(text, opts.path, dir, opts);
}

Config parse_string(std::string_view text, const LoadOptions& opts) {
    return run_pipeline(text, "<string>", opts.workdir, opts);
}

}  // namespace rr::config
