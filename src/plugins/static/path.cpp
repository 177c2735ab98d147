#include "plugins/static/path.h"

#include <algorithm>

#include "common/ascii.h"
#include "common/percent.h"

namespace rr::plugins {

namespace {

/// The path component of a request target: without query and fragment, and for the
/// absolute form without "scheme://authority".
std::string_view path_of(std::string_view target) {
    const auto end = target.find_first_of("?#");
    if (end != std::string_view::npos) target = target.substr(0, end);
    if (!target.empty() && target.front() != '/') {
        const auto scheme = target.find("://");
        if (scheme == std::string_view::npos) return {};  // "*" or authority-form
        const auto slash = target.find('/', scheme + 3);
        if (slash == std::string_view::npos) return "/";
        target = target.substr(slash);
    }
    return target;
}

}  // namespace

StaticPath resolve_static_path(std::string_view target) {
    StaticPath out;
    const std::string_view raw = path_of(target);
    if (raw.empty()) return out;
    std::string decoded;
    if (!percent_decode(raw, decoded, /*plus_as_space=*/false)) return out;
    // CR/LF go first (as upstream strips them), so that "/.%0d./x" cannot become ".." after
    // the check below (upstream checks first and relies on http.Dir's path.Clean instead).
    decoded.erase(std::remove_if(decoded.begin(), decoded.end(),
                                 [](char c) { return c == '\r' || c == '\n'; }),
                  decoded.end());
    if (decoded.find("..") != std::string::npos) {
        out.verdict = PathVerdict::kForbidden;
        return out;
    }
    if (decoded.find('\0') != std::string::npos) return out;

    // Clean: split on '/', drop empty and "." segments. ".." cannot occur (refused above).
    std::string clean;
    clean.reserve(decoded.size());
    std::string_view rest = decoded;
    bool last_empty = false;
    while (true) {
        const auto slash = rest.find('/');
        const std::string_view seg = rest.substr(0, slash);
        last_empty = seg.empty() || seg == ".";
        if (!last_empty) {
            if (!clean.empty()) clean += '/';
            clean.append(seg);
        }
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    if (last_empty || clean.empty()) return out;  // a directory URL

    // Go's path.Ext on the last segment: from its last '.'.
    const auto seg_start = clean.rfind('/') == std::string::npos ? 0 : clean.rfind('/') + 1;
    const auto dot = clean.rfind('.');
    if (dot == std::string::npos || dot < seg_start) return out;
    out.extension = ascii::to_lower(std::string_view(clean).substr(dot));
    out.relative = std::move(clean);
    out.verdict = PathVerdict::kFile;
    return out;
}

ExtensionRules::ExtensionRules(std::vector<std::string> forbid, std::vector<std::string> allow)
    : forbid_(std::move(forbid)), allow_(std::move(allow)) {
    std::erase(forbid_, std::string());
    std::erase(allow_, std::string());
}

bool ExtensionRules::allowed(std::string_view extension) const {
    if (std::find(forbid_.begin(), forbid_.end(), extension) != forbid_.end()) return false;
    if (allow_.empty()) return true;
    return std::find(allow_.begin(), allow_.end(), extension) != allow_.end();
}

}  // namespace rr::plugins
