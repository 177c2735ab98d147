#!/usr/bin/env bash
# rr's RSS with N idle keep-alive connections per protocol (issue 16: <= 64 MiB with 10,000):
# starts a fresh rr for each case, runs bench/idle_rss.py against it, stops it, and prints one
# JSON line per case with the KiB per connection added.
#
# Usage: bench/idle_rss.sh [cases...]      (default: bare prod h1-tls h2 h2c)
#   bare    h1 cleartext, bench/conf/rr.yaml.in (2 PSR-7 hello workers, logs at error)
#   prod    h1 cleartext, bench/conf/rr-production.yaml.in (middleware, status, metrics, rpc,
#           JSON info logs, TLS listener)
#   h1-tls  HTTP/1.1 over TLS (ALPN http/1.1), production config
#   h2      HTTP/2 over TLS (ALPN h2), 4 streams per connection, production config
#   h2c     HTTP/2 cleartext by prior knowledge, 4 streams per connection, bare config plus
#           http.http2.h2c: true
# Environment: RR_BIN (default build/rel/rr), RSS_CONNS (default 10000), RSS_PORT_BASE
# (default 18760; 5 ports). Raises the open-file limit to 65536 (or the hard limit: at least
# RSS_CONNS + 200).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
RR_BIN="${RR_BIN:-$root/build/rel/rr}"
conns="${RSS_CONNS:-10000}"
base="${RSS_PORT_BASE:-18760}"
cases="${*:-bare prod h1-tls h2 h2c}"
php="php -d opcache.enable_cli=1 -d opcache.jit=disable"

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((conns + 200)) ]; then
    echo "the open-file limit ($(ulimit -n)) is too low for $conns connections" >&2
    exit 1
fi
[ -x "$RR_BIN" ] || {
    echo "no rr binary at $RR_BIN" >&2
    exit 1
}
run="$(mktemp -d)"
rr_pid=""
cleanup() {
    [ -n "$rr_pid" ] && kill -TERM "$rr_pid" 2>/dev/null && wait "$rr_pid" 2>/dev/null
    rm -rf "$run"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -keyout "$run/key.pem" -out "$run/cert.pem" 2>/dev/null || exit 1

render() { # template, destination, KEY=value...
    local src="$1" dst="$2" kv args=()
    shift 2
    for kv in "$@"; do args+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
    sed "${args[@]}" "$src" >"$dst"
}
render "$here/conf/rr.yaml.in" "$run/bare.yaml" "PORT=$base" \
    "PHP_COMMAND=$php $here/app/psr7_worker.php"
# The default connection cap (10,000) admits the 10,000 idle connections exactly.
sed -e 's/^  pool:/  http2:\n    h2c: true\n  pool:/' "$run/bare.yaml" >"$run/h2c.yaml"
render "$here/conf/rr-production.yaml.in" "$run/prod.yaml" "PORT=$base" \
    "TLS_PORT=$((base + 1))" "STATUS_PORT=$((base + 2))" "METRICS_PORT=$((base + 3))" \
    "RPC_PORT=$((base + 4))" "PUBLIC=$here/app/prod/public" "CERT=$run/cert.pem" \
    "KEY=$run/key.pem" "PHP_COMMAND=$php $here/app/prod/worker.php"

for c in $cases; do
    case "$c" in
    bare) conf=bare.yaml port=$base proto=h1 ;;
    prod) conf=prod.yaml port=$base proto=h1 ;;
    h1-tls) conf=prod.yaml port=$((base + 1)) proto=h1-tls ;;
    h2) conf=prod.yaml port=$((base + 1)) proto=h2 ;;
    h2c) conf=h2c.yaml port=$base proto=h2c ;;
    *)
        echo "unknown case $c" >&2
        exit 2
        ;;
    esac
    "$RR_BIN" serve -c "$run/$conf" -w "$here/app" >"$run/rr-$c.log" 2>&1 </dev/null &
    rr_pid=$!
    ok=""
    for ((i = 0; i < 200; i++)); do
        if curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$base/"; then
            ok=1
            break
        fi
        sleep 0.1
    done
    [ -n "$ok" ] || {
        echo "rr did not start ($c): $(tail -5 "$run/rr-$c.log")" >&2
        exit 1
    }
    sleep 1 # the workers settle (their first answers)
    /usr/bin/python3 "$here/idle_rss.py" --port "$port" --pid "$rr_pid" --connections "$conns" \
        --proto "$proto" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
if "rss_idle_kib" in r:
    r["case"] = sys.argv[1]
    r["rss_idle_mib"] = round(r["rss_idle_kib"] / 1024, 1)
    r["kib_per_conn"] = round((r["rss_idle_kib"] - r["rss_before_kib"]) / r["connections"], 2)
print(json.dumps(r))' "$c"
    kill -TERM "$rr_pid" 2>/dev/null
    wait "$rr_pid" 2>/dev/null
    rr_pid=""
done
