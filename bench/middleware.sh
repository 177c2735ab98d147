#!/usr/bin/env bash
# rr's static and gzip middleware against nginx, side by side in one run, by the method of
# ../shared/bench/PROTOCOL.md (interleaved rounds, both modes, CPU per response).
#
# Usage: bench/middleware.sh [quick|full]
#   quick  3 rounds of 5 s per scenario, target and mode
#   full   5 rounds of 10 s
#
# Targets (all serve the same public dir):
#   nginx       nginx 1.22, worker_processes 2, sendfile on, gzip on (gzip_comp_level 6,
#               gzip_types application/json, gzip_min_length 1024), access_log off
#   rr          rr Release, `middleware: [static, gzip]`, gzip level 6, compressed-file cache on
#               (the default), 2 PHP workers (never reached: every request is a static hit)
#   rr-nocache  the same with `http.gzip.cache_mb: 0` (compresses every response, as nginx)
# Scenarios:
#   small   GET /1k.txt (1 KiB), wrk -t1 -c64                       → req/s
#   big     GET /big.bin (100 MiB), wrk -t1 -c4                     → bytes/s
#   json    GET /data.json (100 KiB JSON), Accept-Encoding: gzip, wrk -t1 -c16
#                                                                    → CPU µs per response
# Modes: unpinned; pinned (every server process on cpu0, wrk on cpu1).
# Server CPU per response, two ways: "own" = the target's processes (nginx master + workers;
# rr + its idle PHP workers) from /proc/<pid>/stat — robust on a shared, busy machine — and
# "busy" = (machine busy time − wrk's own CPU) / responses, as PROTOCOL.md (includes softirq
# time charged elsewhere, and every other program's CPU: only meaningful on a quiet machine).
#
# Environment: RR_BIN (rr binary; default: build/bench/rr, built if missing), BENCH_PORT_BASE
# (first of 3 ports, default 18580), BENCH_OUT (output dir), BENCH_SCENARIOS (subset of
# "small big json"), BENCH_RR_IO_THREADS (http.io_threads for both rr targets; default: the
# key is not written, i.e. one event loop on this 2-core machine; 2 = one loop per core, as
# nginx's worker_processes 2).
# Output: bench/out/<UTC stamp>-middleware/{results.tsv,summary.md,meta.txt,raw/}.
set -uo pipefail

profile="${1:-quick}"
case "$profile" in
quick) rounds=3 duration=5 ;;
full) rounds=5 duration=10 ;;
*)
    echo "usage: $0 [quick|full]" >&2
    exit 2
    ;;
esac

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
out="${BENCH_OUT:-$here/out/$stamp-middleware}"
port_base="${BENCH_PORT_BASE:-18580}"
clk_tck="$(getconf CLK_TCK)"
targets="nginx rr rr-nocache"
scenarios="${BENCH_SCENARIOS:-small big json}"

log() { printf '[bench-mw %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

pids=()
run=""
stop_all() {
    local pid i
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    pids=()
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_all
    [ -n "$run" ] && rm -rf "$run"
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

for tool in nginx wrk curl python3; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install nginx-light wrk curl)"
done
if [ -z "${RR_BIN:-}" ]; then
    RR_BIN="$root/build/bench/rr"
    if [ ! -x "$RR_BIN" ]; then
        cmake -S "$root" -B "$root/build/bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DRR_BUILD_TESTS=OFF -DRR_WERROR=OFF >/dev/null || die "cmake configure failed"
        cmake --build "$root/build/bench" --target rr --parallel 2 >/dev/null || die "build failed"
    fi
fi

mkdir -p "$out/raw" || die "cannot create $out"
run="$(mktemp -d /tmp/rr-bench-mw.XXXXXX)"
chmod 755 "$run"
pub="$run/public"
mkdir -p "$pub"
head -c 1024 /dev/urandom | base64 -w 0 | head -c 1024 >"$pub/1k.txt"
python3 - "$pub" <<'EOF'
import json, sys
pub = sys.argv[1]
items, size = [], 2
i = 0
while size < 100 * 1024:
    item = {"id": i, "name": "item %d" % i, "price": round(i * 1.37, 2), "tags": ["a", "b", str(i % 17)],
            "description": "A product description that repeats itself a little, number %d." % (i % 50)}
    items.append(item)
    size += len(json.dumps(item)) + 1
    i += 1
open(pub + "/data.json", "w").write(json.dumps(items)[: 100 * 1024])
with open(pub + "/big.bin", "wb") as f:
    block = bytes((j * 131 + (j >> 7)) & 0xFF for j in range(1 << 20))
    for _ in range(100):
        f.write(block)
EOF
cat >"$run/hello.php" <<EOF
<?php
require '$root/php/autoload.php';
\$w = new Spiral\RoadRunner\Http\HttpWorker(Spiral\RoadRunner\Worker::create());
while (\$w->waitRequest() !== null) { \$w->respond(200, 'Hello'); }
EOF

declare -A port
i=0
for t in $targets; do
    port[$t]=$((port_base + i))
    i=$((i + 1))
    ss -Hltn "sport = :${port[$t]}" | grep -q . && die "port ${port[$t]} ($t) is in use"
done
declare -A path=([small]=/1k.txt [big]=/big.bin [json]=/data.json)
declare -A conns=([small]=64 [big]=4 [json]=16)

write_configs() {
    cat >"$run/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
user www-data;
pid $run/nginx.pid;
error_log $run/nginx-error.log error;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 100000000;
    include /etc/nginx/mime.types;
    gzip on;
    gzip_comp_level 6;
    gzip_min_length 1024;
    gzip_types application/json;
    client_body_temp_path $run/nginx-body;
    proxy_temp_path $run/nginx-proxy;
    fastcgi_temp_path $run/nginx-fastcgi;
    uwsgi_temp_path $run/nginx-uwsgi;
    scgi_temp_path $run/nginx-scgi;
    server {
        listen 127.0.0.1:${port[nginx]};
        root $pub;
    }
}
EOF
    local t cache
    for t in rr rr-nocache; do
        cache=64
        [ "$t" = rr-nocache ] && cache=0
        cat >"$run/$t.yaml" <<EOF
version: "3"
server:
  command: "php -d opcache.enable_cli=1 $run/hello.php"
http:
  address: 127.0.0.1:${port[$t]}
  middleware: [static, gzip]
${BENCH_RR_IO_THREADS:+  io_threads: $BENCH_RR_IO_THREADS}
  static:
    dir: "$pub"
  gzip:
    level: 6
    cache_mb: $cache
  pool:
    num_workers: 2
logs:
  mode: production
  level: error
EOF
    done
}

start_all() {
    local t i
    $cpu_prefix setsid nginx -c "$run/nginx.conf" -p "$run" >"$run/nginx.out" 2>&1 </dev/null &
    pids+=($!)
    tpid[nginx]=$!
    for t in rr rr-nocache; do
        $cpu_prefix setsid "$RR_BIN" serve -s -c "$run/$t.yaml" -w "$run" >"$run/$t.log" 2>&1 </dev/null &
        pids+=($!)
        tpid[$t]=$!
    done
    for t in $targets; do
        for ((i = 0; i < 200; i++)); do
            [ "$(curl -s --max-time 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$t]}/1k.txt")" = 200 ] && break
            sleep 0.1
        done
        [ "$i" -lt 200 ] || die "$t did not start (logs in $run)"
    done
    # Every target must answer the same bytes: identity and gzip-decoded.
    for t in $targets; do
        local u="http://127.0.0.1:${port[$t]}"
        curl -s "$u/1k.txt" | cmp -s - "$pub/1k.txt" || die "$t: 1k.txt differs"
        curl -s "$u/big.bin" | cmp -s - "$pub/big.bin" || die "$t: big.bin differs"
        curl -s --compressed -H 'Accept-Encoding: gzip' "$u/data.json" | cmp -s - "$pub/data.json" ||
            die "$t: gzip data.json differs"
        [ "$(curl -s -o /dev/null -w '%{header_json}' -H 'Accept-Encoding: gzip' "$u/data.json" |
            python3 -c 'import json,sys; print(json.load(sys.stdin).get("content-encoding",[""])[0])')" = gzip ] ||
            die "$t: data.json not gzip-encoded"
    done
}

busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8; exit}' /proc/stat; }
declare -A tpid
tree_ticks() { # utime + stime of $1 and every descendant
    local files=() p
    for p in $(ps -eo pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END { found[root] = 1
              do { added = 0
                   for (p in parent) if (!(p in found) && (parent[p] in found)) { found[p] = 1; added = 1 }
              } while (added)
              for (p in found) print p }'); do
        files+=("/proc/$p/stat")
    done
    cat "${files[@]}" 2>/dev/null | awk '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s + 0 }'
}

measure() { # measure <scenario> <target> <round>
    local s="$1" t="$2" r="$3" raw b0 b1 o0 o1 wcpu hdr=()
    raw="$out/raw/$mode-$s-r$r-$t.txt"
    [ "$s" = json ] && hdr=(-H "Accept-Encoding: gzip")
    o0=$(tree_ticks "${tpid[$t]}")
    b0=$(busy_ticks)
    wcpu=$(
        (
            $wrk_prefix wrk -t1 -c"${conns[$s]}" -d"$duration"s "${hdr[@]}" \
                "http://127.0.0.1:${port[$t]}${path[$s]}" >"$raw" 2>&1
            times >"$raw.times"
        )
        awk 'NR == 2 { gsub("s", "", $1); gsub("s", "", $2); split($1, u, "m"); split($2, v, "m");
            print u[1] * 60 + u[2] + v[1] * 60 + v[2] }' "$raw.times"
        rm -f "$raw.times"
    )
    b1=$(busy_ticks)
    o1=$(tree_ticks "${tpid[$t]}")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$s" "$r" "$t" "$raw" \
        "$(awk -v d=$((b1 - b0)) -v h="$clk_tck" 'BEGIN{print d / h}')" "$wcpu" \
        "$(awk -v d=$((o1 - o0)) -v h="$clk_tck" 'BEGIN{print d / h}')" >>"$out/results.tsv"
    log "$mode $s round $r $t: $(awk '/Requests\/sec/{print $2}' "$raw") req/s, $(awk '/Transfer\/sec/{print $2}' "$raw")/s"
}

rotate() {
    local n="$1"
    shift
    local a=("$@") k=$# j
    for ((j = 0; j < k; j++)); do printf '%s ' "${a[$(((j + n) % k))]}"; done
}

run_mode() {
    mode="$1"
    if [ "$mode" = pinned ]; then
        cpu_prefix="taskset -c 0"
        wrk_prefix="taskset -c 1"
    else
        cpu_prefix=""
        wrk_prefix=""
    fi
    log "starting servers ($mode)"
    start_all
    local s t r
    for s in $scenarios; do
        for t in $targets; do  # warm: page cache, the compressed-file cache, connections
            $wrk_prefix wrk -t1 -c"${conns[$s]}" -d2s -H 'Accept-Encoding: gzip' \
                "http://127.0.0.1:${port[$t]}${path[$s]}" >/dev/null 2>&1
        done
    done
    for ((r = 1; r <= rounds; r++)); do
        for s in $scenarios; do
            # shellcheck disable=SC2086
            for t in $(rotate $((r - 1)) $targets); do
                measure "$s" "$t" "$r"
                sleep 1
            done
        done
    done
    stop_all
}

write_configs
{
    echo "profile=$profile rounds=$rounds duration=${duration}s rr_io_threads=${BENCH_RR_IO_THREADS:-default}"
    echo "date=$stamp commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
    echo "kernel=$(uname -r) cpus=$(nproc) load_before=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
    echo "nginx=\"$(nginx -v 2>&1 | sed 's/.*: //')\" wrk=\"$(wrk -v 2>&1 | head -1)\""
} >"$out/meta.txt"
printf 'mode\tscenario\tround\ttarget\traw\tbusy_s\twrk_cpu_s\town_cpu_s\n' >"$out/results.tsv"
run_mode unpinned
run_mode pinned
echo "load_after=\"$(cut -d' ' -f1-3 /proc/loadavg)\"" >>"$out/meta.txt"

python3 - "$out" <<'EOF'
import csv, re, statistics, sys
out = sys.argv[1]
UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
rows = list(csv.DictReader(open(out + "/results.tsv"), delimiter="\t"))
data = {}
for row in rows:
    text = open(row["raw"]).read()
    req = int(re.search(r"(\d+) requests in", text).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    m = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", text)
    bps = float(m.group(1)) * UNITS[m.group(2)]
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    errors += int((re.search(r"Non-2xx or 3xx responses: (\d+)", text) or [0, 0])[1])
    cpu_us = (float(row["busy_s"]) - float(row["wrk_cpu_s"])) / max(req, 1) * 1e6
    own_us = float(row["own_cpu_s"]) / max(req, 1) * 1e6
    data[(row["mode"], row["scenario"], row["round"], row["target"])] = (rps, bps, own_us, errors, cpu_us)

lines = ["# rr static + gzip vs nginx (bench/middleware.sh)", "", open(out + "/meta.txt").read(), ""]
metric = {"small": ("req/s", 0), "big": ("MiB/s", 1), "json": ("req/s", 0)}
for mode in ("unpinned", "pinned"):
    lines.append(f"## {mode}")
    lines.append("")
    lines.append("| scenario | target | median throughput | own CPU µs/response | busy CPU µs/response | errors |")
    lines.append("|---|---|---:|---:|---:|---:|")
    for s in ("small", "big", "json"):
        for t in ("nginx", "rr", "rr-nocache"):
            vals = [v for k, v in data.items() if k[0] == mode and k[1] == s and k[3] == t]
            if not vals:
                continue
            name, idx = metric[s]
            thr = statistics.median(v[idx] for v in vals)
            thr_txt = f"{thr / 1024**2:,.0f} MiB/s" if idx == 1 else f"{thr:,.0f} req/s"
            cpu = statistics.median(v[2] for v in vals)
            busy = statistics.median(v[4] for v in vals)
            lines.append(f"| {s} | {t} | {thr_txt} | {cpu:,.1f} | {busy:,.1f} | {sum(v[3] for v in vals)} |")
    lines.append("")
    lines.append("| paired ratio per round (median, min–max) | rr / nginx | rr-nocache / nginx |")
    lines.append("|---|---:|---:|")
    for s, label, idx, invert in (("small", "1 KiB req/s", 0, False), ("big", "100 MiB bytes/s", 1, False),
                                   ("json", "gzip JSON own CPU µs/response (≤ 1 is better)", 2, False),
                                   ("json", "gzip JSON busy CPU µs/response (≤ 1 is better)", 4, False),
                                   ("small", "1 KiB own CPU µs/response", 2, False),
                                   ("json", "gzip JSON req/s", 0, False)):
        cells = []
        for t in ("rr", "rr-nocache"):
            ratios = []
            for r in sorted({k[2] for k in data if k[0] == mode}):
                a, b = data.get((mode, s, r, t)), data.get((mode, s, r, "nginx"))
                if a and b and b[idx]:
                    ratios.append(a[idx] / b[idx])
            cells.append(f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})" if ratios else "–")
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    lines.append("")
open(out + "/summary.md", "w").write("\n".join(lines))
print("\n".join(lines))
EOF
log "summary: $out/summary.md"
