#pragma once
// What the status listener answers (BEHAVIOUR.md §3.15), as pure functions of the request
// target, the status providers and the shutdown flag, so the rules are unit-tested without
// sockets.
//
//   GET /health[?plugin=a&plugin=b]  every queried plugin (all providers without `plugin`) has a
//                                    worker that can take a job: 200, else unavailable; during
//                                    a graceful stop always 200 "service is shutting down".
//   GET /ready[?plugin=...]          every queried plugin has an idle worker: 200, else
//                                    unavailable; during a graceful stop unavailable.
//   GET /jobs                        no jobs plugin in this build: unavailable.
//   anything else                    404 (Go's ServeMux text).
//
// Bodies are RoadRunner's: a JSON array of {"plugin_name","error_message","status_code"} in the
// order the plugins were queried (start order without `plugin`); names that are not status
// providers are skipped silently (so an unknown name alone answers 200 with `[]`). One
// difference: upstream keeps 200 when a plugin reports no status at all in the "all plugins"
// form (a bug); here any failing plugin makes the answer unavailable.
//
// Thread safety: stateless; providers are called on the caller's thread.

#include <string>
#include <string_view>
#include <vector>

#include "plugins/api/observability.h"

namespace rr::plugins {

/// One status provider by plugin name.
struct StatusTarget {
    std::string name;
    const StatusProvider* provider = nullptr;
};

enum class ProbeKind { kHealth, kReady };

struct StatusAnswer {
    int status = 200;
    std::string content_type;
    std::string body;
};

/// Every value of the `plugin` query parameter, in order (Go url.ParseQuery: `&`-separated,
/// `+` is a space, %XX decoded; a pair with a bad escape or a `;` is dropped).
std::vector<std::string> plugin_params(std::string_view raw_query);

/// /health or /ready for `queried` plugin names (empty = every target).
StatusAnswer answer_probe(ProbeKind kind, const std::vector<StatusTarget>& targets,
                          const std::vector<std::string>& queried, bool shutting_down,
                          int unavailable_status_code);

/// Routes one request target ("/ready?plugin=http") to the answer.
StatusAnswer answer_status_request(std::string_view target,
                                   const std::vector<StatusTarget>& targets, bool shutting_down,
                                   int unavailable_status_code);

}  // namespace rr::plugins
