#!/usr/bin/env bash
# The fault suite (docs/reliability.md): one rr per fault on loopback, load while the fault is
# injected, then checks (zombies, fds, temp files, RSS, clean stop).
#
# Usage: tests/faults/run.sh [--long] [--seconds N] [--only fault1,fault2] [--list]
#   short (default): 5 s per fault, 1000 idle connections (~2-3 min with an ASan build; CI)
#   --long:          60 s per fault, 10k idle connections (the soak run, ~15 min)
# The rr binary: $RR_BINARY, else the first of build/test, build/dev, build/release,
# build/bench that exists. Needs php (our worker fixture), python3, and root for the full-disk
# fault (a 1 MB tmpfs; skipped with a message otherwise).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rr="${RR_BINARY:-}"
if [ -z "$rr" ]; then
    for b in test dev release bench; do
        if [ -x "$root/build/$b/rr" ]; then
            rr="$root/build/$b/rr"
            break
        fi
    done
fi
[ -n "$rr" ] && [ -x "$rr" ] || { echo "no rr binary: build one or set RR_BINARY" >&2; exit 2; }
# Enough descriptors for 10k idle connections in --long (rr inherits the limit).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec python3 "$root/tests/faults/faults.py" --rr "$rr" "$@"
