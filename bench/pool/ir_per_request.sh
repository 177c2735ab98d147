#!/usr/bin/env bash
# rr's own instructions per request on the request path, counted by callgrind (independent of
# machine load): rr runs under valgrind (its PHP workers natively), one keep-alive connection
# sends N1, then (in a second run) N2 sequential `GET /`; prints (Ir(N2) - Ir(N1)) / (N2 - N1).
# This is the "seq" method of bench/RESULTS.md ("Session 2: pool side").
#
# Usage: bench/pool/ir_per_request.sh <rr binary> [max_jobs]      (default max_jobs 0)
#   env N1=500 N2=4500, PORT=18590, WORKER=examples/raw/worker.php,
#   PHP_OPTS="-d opcache.enable_cli=1 -d opcache.jit=disable"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rr="$1"
max_jobs="${2:-0}"
n1=${N1:-500}
n2=${N2:-4500}
port=${PORT:-18590}
worker="${WORKER:-$root/examples/raw/worker.php}"
php_opts="${PHP_OPTS:--d opcache.enable_cli=1 -d opcache.jit=disable}"
tmp="$(mktemp -d /tmp/rr-ir.XXXXXX)"
pid=""
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/rr.yaml" <<EOF
version: "3"
server:
  command: "php $php_opts $worker"
http:
  address: 127.0.0.1:$port
  pool:
    num_workers: 2
    max_jobs: $max_jobs
logs:
  mode: production
  level: error
EOF

ir() { # n -> total Ir of rr serving n requests (plus start-up and shutdown)
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" \
        "$rr" serve -s -c "$tmp/rr.yaml" -w "$(dirname "$worker")" >"$tmp/log" 2>&1 &
    pid=$!
    python3 - "$port" "$1" <<'EOF'
import http.client, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
deadline = time.time() + 60
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/")
        c.getresponse().read()
        break
    except OSError:
        if time.time() > deadline:
            raise
        time.sleep(0.2)
for _ in range(n - 1):
    c.request("GET", "/")
    r = c.getresponse()
    r.read()
    assert r.status == 200, r.status
EOF
    kill -TERM "$pid"
    wait "$pid" || true
    pid=""
    sed -n 's/^summary: //p' "$tmp/out"
}

a=$(ir "$n1")
b=$(ir "$n2")
printf '%s max_jobs=%s: %d Ir/request (N %d..%d)\n' "$rr" "$max_jobs" $(((b - a) / (n2 - n1))) \
    "$n1" "$n2"
