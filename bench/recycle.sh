#!/usr/bin/env bash
# Cost of max_jobs recycling: the same rr with max_jobs 0 / 500 / 1000 (and optionally a second
# rr binary, e.g. the previous commit), side by side in one run, by the method of
# ../shared/bench/PROTOCOL.md (interleaved rounds, ratios taken within a round).
#
# Usage: bench/recycle.sh [rounds] [seconds]        (default 5 rounds of 10 s)
#
# Every target serves examples/hello (the canonical PSR-7 worker) with 2 workers over pipes and
# logs at error; php runs with the machine's php.ini plus PHP_OPTS (default none: what
# examples/hello/.rr.yaml runs; Debian's CLI has opcache off). Each round runs `wrk -t1 -c$CONNS -d<seconds>s` against
# every target once, in an order rotated each round. The report gives per target the median
# req/s, errors and the CPU time per request of the rr process tree (rr itself, its live PHP
# workers and the workers it reaped during the run: recycling's start and exit costs included)
# and of wrk, and per round the ratio "max_jobs N / max_jobs 0" of the same binary. On a loaded
# machine req/s ratios wobble; the CPU per request does not depend on the other load, and
# (cpu0 + wrk) / (cpuN + wrk) is what the req/s ratio tends to on a quiet, CPU-bound box.
#
# Environment:
#   RR_BINS     "label=/path/to/rr ..." (default: "rr=build/bench/rr")
#   MAX_JOBS    max_jobs values (default "0 500 1000"; the first is the reference)
#   CONNS       wrk connections (default 32)
#   PORT_BASE   first port (default 18580; one per target)
#   PHP_OPTS    php options (default none; e.g. "-d opcache.enable_cli=1 -d opcache.jit=disable")
# Every rr is started in its own session, recorded by PID and stopped by PID (TERM, then KILL of
# its process tree after 10 s), also on failure or Ctrl-C.
set -uo pipefail

rounds="${1:-5}"
duration="${2:-10}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bins="${RR_BINS:-rr=$root/build/bench/rr}"
max_jobs_list="${MAX_JOBS:-0 500 1000}"
conns="${CONNS:-32}"
port="${PORT_BASE:-18580}"
php_opts="${PHP_OPTS:-}"

log() { printf '[recycle %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

run="$(mktemp -d /tmp/rr-recycle.XXXXXX)"
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

clk_tck="$(getconf CLK_TCK)"
tree_ticks() { # CPU ticks of rr ($1): its own + reaped children + live descendants
    ps -eo pid=,ppid= | awk -v r="$1" '{ parent[$1] = $2 } END { f[r] = 1
        do { a = 0; for (p in parent) if (!(p in f) && (parent[p] in f)) { f[p] = 1; a = 1 } }
        while (a); for (p in f) print p }' | while read -r p; do
        if [ "$p" = "$1" ]; then
            awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$p/stat" 2>/dev/null
        else
            awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null
        fi
    done | awk '{ s += $1 } END { print s + 0 }'
}

declare -A url main_pid
targets=()
for spec in $bins; do
    label="${spec%%=*}"
    bin="${spec#*=}"
    [ -x "$bin" ] || { log "not executable: $bin"; exit 1; }
    for mj in $max_jobs_list; do
        t="$label/mj$mj"
        f="$run/${label}-mj$mj"
        cat >"$f.yaml" <<EOF
version: "3"
server:
  command: "php $php_opts $root/examples/hello/worker.php"
http:
  address: 127.0.0.1:$port
  pool:
    num_workers: 2
    max_jobs: $mj
logs:
  mode: production
  level: error
EOF
        setsid "$bin" serve -s -c "$f.yaml" -w "$root/examples/hello" >"$f.log" 2>&1 </dev/null &
        pids+=("$!")
        main_pid[$t]="$!"
        url[$t]="http://127.0.0.1:$port/"
        targets+=("$t")
        port=$((port + 1))
    done
done
for t in "${targets[@]}"; do
    for ((i = 0; i < 100; i++)); do
        curl -s --max-time 1 "${url[$t]}" 2>/dev/null | grep -q Hello && break
        sleep 0.1
    done
    curl -s --max-time 1 "${url[$t]}" | grep -q Hello || { log "$t does not answer"; exit 1; }
    wrk -t1 -c"$conns" -d2s "${url[$t]}" >/dev/null 2>&1  # warm-up
done
log "targets: ${targets[*]}; $rounds rounds of ${duration}s, wrk -t1 -c$conns, php $php_opts;" \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"

results="$run/results.tsv"
n=${#targets[@]}
for ((r = 1; r <= rounds; r++)); do
    for ((j = 0; j < n; j++)); do
        t="${targets[$(((j + r) % n))]}"
        raw="$run/r$r-${t//\//_}.txt"
        c0="$(tree_ticks "${main_pid[$t]}")"
        (
            wrk -t1 -c"$conns" -d"${duration}"s "${url[$t]}" >"$raw" 2>&1
            times >"$raw.times"
        )
        c1="$(tree_ticks "${main_pid[$t]}")"
        wcpu="$(awk 'NR == 2 { gsub("s", "", $1); gsub("s", "", $2); split($1, u, "m");
            split($2, s, "m"); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$raw.times")"
        rps="$(awk '/Requests\/sec/ { print $2 }' "$raw")"
        reqs="$(awk '/requests in/ { print $1 }' "$raw")"
        errs="$(awk '/Socket errors/ { gsub(",", ""); s += $4 + $6 + $8 + $10 } /Non-2xx/ { s += $NF }
            END { print s + 0 }' "$raw")"
        scpu="$(awk -v d=$((c1 - c0)) -v h="$clk_tck" 'BEGIN { print d / h }')"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "${rps:-0}" "$errs" "${reqs:-0}" "$scpu" \
            "$wcpu" >>"$results"
        log "round $r $t: ${rps:-0} req/s, errors $errs, rr+php ${scpu}s, wrk ${wcpu}s CPU"
        sleep 1
    done
done
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" "$max_jobs_list" <<'EOF'
import sys, statistics
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
ref = "mj" + sys.argv[2].split()[0]
by = {}
for r, t, rps, err, reqs, scpu, wcpu in rows:
    by.setdefault(t, {})[int(r)] = (float(rps), int(err), int(reqs), float(scpu), float(wcpu))
med = statistics.median
def cpu(v, k):  # µs per request over all rounds
    return 1e6 * sum(x[k] for x in v.values()) / max(1, sum(x[2] for x in v.values()))
print("| target | median req/s | min–max | errors | rr+PHP CPU µs/req | wrk CPU µs/req |")
print("|---|---:|---:|---:|---:|---:|")
for t, v in by.items():
    xs = [x[0] for x in v.values()]
    print(f"| {t} | {med(xs):,.0f} | {min(xs):,.0f}–{max(xs):,.0f} | "
          f"{sum(x[1] for x in v.values())} | {cpu(v, 3):.1f} | {cpu(v, 4):.1f} |")
print()
print("| ratio (same binary) | req/s per round: median | min–max | from CPU: (cpu0+wrk)/(cpuN+wrk) |")
print("|---|---:|---:|---:|")
for t, v in by.items():
    label, mj = t.split("/")
    if mj == ref:
        continue
    base = by[f"{label}/{ref}"]
    rs = [v[r][0] / base[r][0] for r in v if r in base and base[r][0] > 0]
    est = (cpu(base, 3) + cpu(base, 4)) / (cpu(v, 3) + cpu(v, 4))
    print(f"| {t} / {label}/{ref} | {med(rs):.2f} | {min(rs):.2f}–{max(rs):.2f} | {est:.2f} |")
EOF
