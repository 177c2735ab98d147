#pragma once
// `rr reset` and `rr workers`: RPC clients of a running `rr serve` (BEHAVIOUR.md §2.1,
// docs/cli.md). Both load the config like `serve` does (-c, -w, -o, --dotenv) only to find
// `rpc.listen`; an empty file plus `-o version=3 -o rpc.listen=…` is enough (Laravel Octane).
//
// Output rules: every failure is one line on stderr ("error: …") and exit code 1; success
// writes nothing to stderr (Octane turns any stderr output of `rr reset` into an exception).
//
// Thread safety: main thread only; `workers -i` blocks SIGINT/SIGTERM/SIGWINCH and waits for
// them with sigtimedwait().

#include "cli/cli.h"
#include "rpc/endpoint.h"
#include "rpc/expected.h"

namespace rr::cli {

/// Where rpc.listen points, from the config as `serve` would load it. Errors (one line): the
/// config's own errors, or "rpc service not specified in the configuration ..." when there is no
/// `rpc` section (the server would not listen for RPC either).
rpc::Expected<rpc::Endpoint> rpc_endpoint(const GlobalOptions& global);

/// `rr reset [plugin…]`: resetter.List when no plugin is named, then resetter.Reset for each
/// one, in order, checking every result. Without -s it reports progress on stdout.
int run_reset(const Invocation& inv);

/// `rr workers [plugin…] [-i]`: informer.List when no plugin is named, then a table per plugin
/// (workers_table.h). With -i the screen is redrawn every second until SIGINT/SIGTERM.
int run_workers(const Invocation& inv);

}  // namespace rr::cli
