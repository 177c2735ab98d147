#!/usr/bin/env bash
# Cost of observability (issue 14): the PSR-7 hello world with the `http_metrics` middleware,
# the status plugin and the metrics plugin ON versus the same rr with them OFF, and whether a
# Prometheus scrape during load moves p99. One run, by the method of
# ../shared/bench/PROTOCOL.md: interleaved rounds, ratios taken within a round.
#
# Usage: bench/observability.sh [rounds] [seconds]     (default 5 rounds of 10 s)
#
# Targets (same binary, examples/hello, 2 workers over pipes, opcache on, JIT off, logs at
# error), each round in an order rotated per round, `wrk -t1 -c$CONNS -d<seconds>s --latency`:
#   off          no status, no metrics, no middleware
#   on           middleware [http_metrics] + status + metrics
#   on+scrape    the "on" instance again while a scraper GETs /metrics (gzip, as Prometheus)
#                every $SCRAPE_MS ms and /ready every 1 s
# Report: median req/s and p99 per target; per round "on / off" (req/s) and
# "on+scrape / on" (p99).
#
# Environment:
#   RR_BIN      rr binary (default build/bench/rr, a Release build)
#   CONNS       wrk connections (default 32)
#   SCRAPE_MS   scrape interval during on+scrape (default 100, 150x Prometheus' usual 15 s)
#   PORT_BASE   first port (default 18680)
#   PHP_OPTS    php options (default "-d opcache.enable_cli=1 -d opcache.jit=disable")
#   REQUIRE_HTTP_METRICS  0 runs even when the binary has no http_metrics middleware
# Every process is started in its own session, recorded by PID and stopped by PID.
set -uo pipefail

rounds="${1:-5}"
duration="${2:-10}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${RR_BIN:-$root/build/bench/rr}"
conns="${CONNS:-32}"
scrape_ms="${SCRAPE_MS:-100}"
port="${PORT_BASE:-18680}"
php_opts="${PHP_OPTS:--d opcache.enable_cli=1 -d opcache.jit=disable}"

log() { printf '[observability %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

[ -x "$bin" ] || { log "not executable: $bin"; exit 1; }
run="$(mktemp -d /tmp/rr-obs-bench.XXXXXX)"
pids=()
stop_pid() {
    local pid="$1" tree i p
    kill -0 "$pid" 2>/dev/null || return 0
    tree="$(ps -eo pid=,ppid= | awk -v r="$pid" '{ parent[$1] = $2 } END { f[r] = 1
        do { a = 0; for (p in parent) if (!(p in f) && (parent[p] in f)) { f[p] = 1; a = 1 } }
        while (a); for (p in f) print p }')"
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    for p in $tree; do kill -KILL "$p" 2>/dev/null; done
    wait "$pid" 2>/dev/null
}
cleanup() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do stop_pid "$pid"; done
    rm -rf "$run"
}
trap cleanup EXIT INT TERM

http_off=$port
http_on=$((port + 1))
status_on=$((port + 2))
metrics_on=$((port + 3))

cat >"$run/off.yaml" <<EOF
version: "3"
server:
  command: "php $php_opts $root/examples/hello/worker.php"
http:
  address: 127.0.0.1:$http_off
  pool:
    num_workers: 2
logs:
  mode: production
  level: error
EOF
cat >"$run/on.yaml" <<EOF
version: "3"
server:
  command: "php $php_opts $root/examples/hello/worker.php"
http:
  address: 127.0.0.1:$http_on
  middleware: ["http_metrics"]
  pool:
    num_workers: 2
status:
  address: 127.0.0.1:$status_on
metrics:
  address: 127.0.0.1:$metrics_on
logs:
  mode: production
  level: error
EOF
for t in off on; do
    setsid "$bin" serve -s -c "$run/$t.yaml" -w "$root/examples/hello" >"$run/$t.log" 2>&1 \
        </dev/null &
    pids+=("$!")
done
declare -A url=([off]="http://127.0.0.1:$http_off/" [on]="http://127.0.0.1:$http_on/"
    [on+scrape]="http://127.0.0.1:$http_on/")
for t in off on; do
    for ((i = 0; i < 100; i++)); do
        curl -s --max-time 1 "${url[$t]}" 2>/dev/null | grep -q Hello && break
        sleep 0.1
    done
    curl -s --max-time 1 "${url[$t]}" | grep -q Hello || { log "$t does not answer"; cat "$run/$t.log"; exit 1; }
    wrk -t1 -c"$conns" -d2s "${url[$t]}" >/dev/null 2>&1  # warm-up
done
if ! grep -q '^rr_http_request_total{status="200"}' <(curl -s "http://127.0.0.1:$metrics_on/metrics"); then
    if [ "${REQUIRE_HTTP_METRICS:-1}" = 1 ]; then
        log "the on target does not count requests (http_metrics middleware missing?)"
        exit 1
    fi
    log "WARNING: the http_metrics middleware is not active: 'on' = status + metrics only"
fi
log "rr $bin; $rounds rounds of ${duration}s, wrk -t1 -c$conns; scrape every ${scrape_ms} ms;" \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"

# The scraper, as Prometheus scrapes: one process, keep-alive connections, gzip scrapes of
# /metrics every $SCRAPE_MS ms and a readiness probe every second, until killed. (Until
# 2026-12-03 evening it started a curl per scrape: ~10 ms of CPU per fork+exec on this 2-vCPU
# box, which moved p99 by itself.)
scraper() {
    exec python3 - "$metrics_on" "$status_on" "$scrape_ms" <<'PY'
import http.client, sys, time
metrics_port, status_port, ms = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
conns = {}
def get(port, path, headers):
    for attempt in (1, 2):
        c = conns.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conns[port] = c
        try:
            c.request("GET", path, headers=headers)
            c.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            c.close()
            conns.pop(port, None)
n = 0
next_at = time.monotonic()
while True:
    get(metrics_port, "/metrics", {"Accept": "text/plain;version=0.0.4", "Accept-Encoding": "gzip"})
    n += 1
    if n * ms % 1000 < ms:
        get(status_port, "/ready?plugin=http", {})
    next_at += ms / 1000
    time.sleep(max(0.0, next_at - time.monotonic()))
PY
}

results="$run/results.tsv"
targets=(off on on+scrape)
n=${#targets[@]}
for ((r = 1; r <= rounds; r++)); do
    for ((j = 0; j < n; j++)); do
        t="${targets[$(((j + r) % n))]}"
        raw="$run/r$r-${t//+/_}.txt"
        scraper_pid=""
        if [ "$t" = "on+scrape" ]; then
            scraper &
            scraper_pid=$!
        fi
        wrk -t1 -c"$conns" -d"${duration}"s --latency "${url[$t]}" >"$raw" 2>&1
        if [ -n "$scraper_pid" ]; then
            kill "$scraper_pid" 2>/dev/null
            wait "$scraper_pid" 2>/dev/null
        fi
        rps="$(awk '/Requests\/sec/ { print $2 }' "$raw")"
        p99="$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub("us", "", v); v /= 1000 }
            else if (v ~ /ms$/) { sub("ms", "", v) } else if (v ~ /s$/) { sub("s", "", v); v *= 1000 }
            print v }' "$raw")"
        errs="$(awk '/Socket errors/ { gsub(",", ""); s += $4 + $6 + $8 + $10 } /Non-2xx/ { s += $NF }
            END { print s + 0 }' "$raw")"
        printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "${rps:-0}" "${p99:-0}" "$errs" >>"$results"
        log "round $r $t: ${rps:-0} req/s, p99 ${p99:-?} ms, errors $errs"
        sleep 1
    done
done
scrapes="$(curl -s "http://127.0.0.1:$metrics_on/metrics" | awk '/^rr_http_request_total/ { s += $2 } END { print s }')"
log "load after: $(cut -d' ' -f1-3 /proc/loadavg); requests counted by the on target: $scrapes"

python3 - "$results" <<'EOF'
import sys, statistics
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
by = {}
for r, t, rps, p99, err in rows:
    by.setdefault(t, {})[int(r)] = (float(rps), float(p99), int(err))
print("| target | median req/s | min–max | median p99 ms | min–max | errors |")
print("|---|---:|---:|---:|---:|---:|")
for t in ("off", "on", "on+scrape"):
    v = by.get(t, {})
    xs = [x[0] for x in v.values()]
    ps = [x[1] for x in v.values()]
    if not xs:
        continue
    print(f"| {t} | {statistics.median(xs):,.0f} | {min(xs):,.0f}–{max(xs):,.0f} | "
          f"{statistics.median(ps):.2f} | {min(ps):.2f}–{max(ps):.2f} | "
          f"{sum(x[2] for x in v.values())} |")
print()
def ratio(a, b, i):
    rs = [by[a][r][i] / by[b][r][i] for r in by[a] if r in by[b] and by[b][r][i] > 0]
    return statistics.median(rs), min(rs), max(rs)
m, lo, hi = ratio("on", "off", 0)
print("| paired ratio per round | median | min–max |")
print("|---|---:|---:|")
print(f"| req/s on / off | {m:.3f} | {lo:.3f}–{hi:.3f} |")
m, lo, hi = ratio("on+scrape", "on", 1)
print(f"| p99 on+scrape / on | {m:.3f} | {lo:.3f}–{hi:.3f} |")
m, lo, hi = ratio("on+scrape", "on", 0)
print(f"| req/s on+scrape / on | {m:.3f} | {lo:.3f}–{hi:.3f} |")
EOF
