#pragma once
// Which file a request target names under the static root, with upstream's rules
// (roadrunner-server/static plugin.go) and the path-safety rules of docs/http.md "static":
//   - the path is the target's path component, percent-decoded ONCE (Go's r.URL.Path); a
//     second layer of encoding stays literal ("%252e%252e" names a file called "%2e%2e");
//   - a decoded path containing ".." anywhere → kForbidden (upstream answers 403);
//   - CR and LF are removed (as upstream); a NUL byte, a bad %-escape, an empty last segment
//     (a directory URL) or a name without an extension → kPass (the request goes on to PHP);
//   - "//" and "/./" collapse; the result is relative (no leading '/'), never contains "..",
//     so opening it relative to the root's directory fd cannot climb out (symlinks aside:
//     see static_root.h).
// Pure code over bytes (fuzzed by fuzz/middleware/). Thread safety: stateless.

#include <string>
#include <string_view>
#include <vector>

namespace rr::plugins {

enum class PathVerdict {
    kFile,       ///< `relative` names a candidate file; `extension` is set
    kForbidden,  ///< answer 403 (a ".." in the path)
    kPass,       ///< not for the static middleware: pass the request on
};

struct StaticPath {
    PathVerdict verdict = PathVerdict::kPass;
    std::string relative;   ///< "css/site.css" (kFile only)
    std::string extension;  ///< lower-cased, with the dot: ".css" (kFile only)
};

/// Maps a request target (origin-form "/a/b.css?x", or absolute-form) as described above.
StaticPath resolve_static_path(std::string_view target);

/// Upstream's extension rules: a forbidden extension is never served; when `allow` is not
/// empty only its extensions are (an extension in both lists is forbidden). Lists hold
/// lower-cased extensions with the dot.
class ExtensionRules {
public:
    ExtensionRules(std::vector<std::string> forbid, std::vector<std::string> allow);
    bool allowed(std::string_view extension) const;

private:
    std::vector<std::string> forbid_;
    std::vector<std::string> allow_;
};

}  // namespace rr::plugins
