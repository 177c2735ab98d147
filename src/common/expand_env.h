#pragma once
// `${VAR}` / `$VAR` expansion against the process environment, shared by the config loader
// (`${VAR:-default}` allowed) and the worker environment (Go os.ExpandEnv rules).
//
// Thread safety: stateless; reads getenv(), so it must not race with setenv().

#include <string>
#include <string_view>

namespace rr {

struct ExpandEnvOptions {
    /// `${VAR:-default}`: the default applies when VAR is unset or empty (the config file rule).
    /// Off: the whole text between the braces is the name, as Go's os.ExpandEnv.
    bool defaults = false;
    /// `$VAR` names may start with a digit (`$5` looks up "5", as os.ExpandEnv). Off: a name
    /// must start with a letter or '_', and a '$' before anything else is literal text.
    bool digit_starts_name = false;
};

/// Expands `${VAR}` and `$VAR`; an unknown VAR expands to "". A '$' at the end, a '$' not
/// followed by a name, and an unterminated `${...` are kept as written.
std::string expand_env(std::string_view text, const ExpandEnvOptions& options = {});

}  // namespace rr
