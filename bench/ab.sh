#!/usr/bin/env bash
# Paired A/B of two rr builds (or two configs) by rr's own CPU per request: both servers run
# at once, pinned (rr and its workers on cpu0, wrk on cpu1), and the wrk runs alternate
# A, B, B, A, A, B, ... so drift and other programs' load hit both sides alike. For a change
# whose effect is a few % of CPU, on a machine that may be busy (rr's own CPU per request is
# far less sensitive to other load than req/s).
#
# Usage: bench/ab.sh [--rounds N] [--duration S] [--conns C] [--path /] [--unpinned]
#                    A_BIN A_YAML_TEMPLATE B_BIN B_YAML_TEMPLATE
#   templates: bench/conf/rr.yaml.in (bare) or bench/conf/rr-production.yaml.in; the same
#   binary twice with two templates compares configs.
# Prints one line per run and a summary: median rr own µs/req, target (rr + workers) µs/req,
# req/s and p99 per side, and the per-pair B/A ratio of own µs/req (median, min–max).
# Environment: BENCH_PORT_BASE (default 18780; 12 ports), BENCH_OUT.
set -uo pipefail

rounds=5 duration=5 conns=64 path=/ pinned=1
while [ $# -gt 0 ]; do
    case "$1" in
    --rounds) rounds="$2" && shift 2 ;;
    --duration) duration="$2" && shift 2 ;;
    --conns) conns="$2" && shift 2 ;;
    --path) path="$2" && shift 2 ;;
    --unpinned) pinned=0 && shift ;;
    -*)
        sed -n '8,11p' "$0" >&2
        exit 2
        ;;
    *) break ;;
    esac
done
[ $# -eq 4 ] || {
    sed -n '8,11p' "$0" >&2
    exit 2
}
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
base="${BENCH_PORT_BASE:-18780}"
out="${BENCH_OUT:-$here/out/$(date -u +%Y-%m-%dT%H%M%SZ)-ab}"
clk_tck="$(getconf CLK_TCK)"
mkdir -p "$out/raw"
run="$(mktemp -d /tmp/rr-ab.XXXXXX)"
chmod 755 "$run"
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cpu="" gen=""
[ "$pinned" = 1 ] && cpu="taskset -c 0" gen="taskset -c 1"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
    -keyout "$run/key.pem" -out "$run/cert.pem" >/dev/null 2>&1
php_opcache="-d opcache.enable_cli=1 -d opcache.jit=disable"
declare -A pid port
start() { # start <side> <bin> <template> <first port>
    local side="$1" bin="$2" tpl="$3" p="$4" worker="$here/app/psr7_worker.php" wd="$here/app"
    if [[ "$tpl" == *production* ]]; then
        worker="$here/app/prod/worker.php" wd="$here/app/prod"
    fi
    sed -e "s|@PORT@|$p|" -e "s|@TLS_PORT@|$((p + 1))|" -e "s|@STATUS_PORT@|$((p + 2))|" \
        -e "s|@METRICS_PORT@|$((p + 3))|" -e "s|@RPC_PORT@|$((p + 4))|" \
        -e "s|@PUBLIC@|$here/app/prod/public|" -e "s|@CERT@|$run/cert.pem|" \
        -e "s|@KEY@|$run/key.pem|" -e "s|@PHP_COMMAND@|php $php_opcache $worker|" \
        "$tpl" >"$run/$side.yaml"
    # shellcheck disable=SC2086
    $cpu setsid "$bin" serve -c "$run/$side.yaml" -w "$wd" >"$run/$side.log" 2>&1 </dev/null &
    pids+=($!)
    pid[$side]=$!
    port[$side]=$p
}
start A "$1" "$2" "$base"
start B "$3" "$4" $((base + 6))
for s in A B; do
    for ((i = 0; i < 200; i++)); do
        [ "$(curl -s --max-time 1 "http://127.0.0.1:${port[$s]}$path" 2>/dev/null | head -c 5)" != "" ] && break
        sleep 0.1
    done
    $gen wrk -t1 -c"$conns" -d2s "http://127.0.0.1:${port[$s]}$path" >/dev/null 2>&1
done

own() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
tree() {
    local q files=("/proc/$1/stat")
    for q in $(pgrep -P "$1"); do files+=("/proc/$q/stat"); done
    cat "${files[@]}" 2>/dev/null | awk '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s + 0 }'
}
printf 'round\tside\trps\tp99_ms\town_us\ttarget_us\n' >"$out/ab.tsv"
one() { # one <side> <round>
    local s="$1" r="$2" o0 o1 t0 t1 raw="$out/raw/r$2-$1.txt"
    o0=$(own "${pid[$s]}") t0=$(tree "${pid[$s]}")
    $gen wrk -t1 -c"$conns" -d"$duration"s --latency -H 'Accept-Encoding: gzip' \
        "http://127.0.0.1:${port[$s]}$path" >"$raw" 2>&1
    o1=$(own "${pid[$s]}") t1=$(tree "${pid[$s]}")
    awk -v r="$r" -v s="$s" -v o=$((o1 - o0)) -v t=$((t1 - t0)) -v h="$clk_tck" '
        /requests in/ { n = $1 } /Requests\/sec/ { rps = $2 }
        /^ +99%/ { v = $2; u = 1; if (v ~ /us$/) u = 0.001; else if (v ~ /ms$/) u = 1; else u = 1000;
                   gsub(/[a-z]+$/, "", v); p99 = v * u }
        END { printf "%s\t%s\t%.0f\t%.2f\t%.2f\t%.2f\n", r, s, rps, p99, o / h / n * 1e6, t / h / n * 1e6 }' \
        "$raw" | tee -a "$out/ab.tsv"
}
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then one A "$r" && one B "$r"; else one B "$r" && one A "$r"; fi
done
python3 - "$out/ab.tsv" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for side in "AB":
    rs = [r for r in rows if r["side"] == side]
    m = lambda k: statistics.median(float(r[k]) for r in rs)
    print(f"{side}: rps {m('rps'):.0f}  p99 {m('p99_ms'):.2f} ms  rr own {m('own_us'):.2f} µs/req  "
          f"rr+workers {m('target_us'):.2f} µs/req")
pairs = {}
for r in rows:
    pairs.setdefault(r["round"], {})[r["side"]] = float(r["own_us"])
ratios = [p["B"] / p["A"] for p in pairs.values() if "A" in p and "B" in p]
print(f"B/A own µs/req per pair: median {statistics.median(ratios):.3f} "
      f"({min(ratios):.3f}–{max(ratios):.3f}, {len(ratios)} pairs)")
EOF
