#!/usr/bin/env bash
# rr against nginx + php-fpm over TLS: HTTP/1.1 on TLS (wrk), HTTP/2 on TLS (h2load) and TLS
# handshakes per second (full and resumed), side by side in one run, by the method of
# ../shared/bench/PROTOCOL.md (interleaved rounds with the order rotated, both modes).
#
# Usage: bench/tls_h2.sh [quick|full|smoke]
#   quick  3 rounds of 5 s per scenario, target and mode
#   full   5 rounds of 10 s
#   smoke  1 round of 1 s: proves the script works (no figures worth quoting)
#
# Targets (the same ECDSA P-256 certificate, made here; TLS 1.3; session tickets on):
#   nginx   nginx 1.22, worker_processes 2, `listen ... ssl http2`, ssl_session_cache
#           shared:SSL:10m, access_log off, fastcgi_pass to php-fpm 8.2 (pm static, 2 children,
#           opcache on) serving `<?php echo 'Hello';`
#   rr      rr Release, http.ssl (h2 by ALPN), 2 PHP workers, bench/app/psr7_worker.php (the
#           PSR-7 hello world, nyholm), opcache on for the CLI as fpm has it
# Scenarios (URL: rr `/`, nginx `/index.php`):
#   h1      wrk -t1 -c64 https://…                            → req/s
#   h2      h2load -t1 -c64 -m10 (ALPN h2), 1 s warm-up (the 64 handshakes), then the duration → req/s
#   full    openssl s_time -new (2 clients in parallel)        → handshakes/s
#   resume  openssl s_time -reuse (2 clients in parallel)      → resumed handshakes/s
# Modes: unpinned; pinned (every server process on cpu0, the clients on cpu1).
# Issue 13 targets: h1 and h2 req/s ratio rr/nginx ≥ 2.5; handshakes ratio ≥ 0.9.
#
# Environment: RR_BIN (rr binary; default build/bench/rr, built if missing), BENCH_PORT_BASE
# (first of 2 ports, default 18640), BENCH_SCENARIOS (subset of "h1 h2 full resume").
# Output: bench/out/<stamp>-tls_h2/{results.tsv,meta.txt,raw/} and the summary
# bench/results/<stamp>-tls_h2-summary.md (also printed).
set -uo pipefail

profile="${1:-quick}"
case "$profile" in
quick) rounds=3 duration=5 ;;
full) rounds=5 duration=10 ;;
smoke) rounds=1 duration=1 ;;
*)
    echo "usage: $0 [quick|full|smoke]" >&2
    exit 2
    ;;
esac

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
out="${BENCH_OUT:-$here/out/$stamp-tls_h2}"
summary="$here/results/$stamp-tls_h2-summary.md"
[ "$profile" = smoke ] && summary="$out/summary.md" # smoke figures are not results
port_base="${BENCH_PORT_BASE:-18640}"
targets="nginx rr"
scenarios="${BENCH_SCENARIOS:-h1 h2 full resume}"

log() { printf '[bench-tls %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

pids=()
run=""
tree_of() { # $1 and every descendant PID
    ps -eo pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END { found[root] = 1
              do { added = 0
                   for (p in parent) if (!(p in found) && (parent[p] in found)) { found[p] = 1; added = 1 }
              } while (added)
              for (p in found) print p }'
}
stop_all() {
    local pid i tree
    for pid in "${pids[@]}"; do
        tree="$(tree_of "$pid" | tr '\n' ' ')"
        kill -TERM "$pid" 2>/dev/null
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        for p in $tree; do kill -KILL "$p" 2>/dev/null; done
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

for tool in nginx php-fpm8.2 wrk h2load openssl curl python3; do
    command -v "$tool" >/dev/null ||
        die "$tool is missing (apt-get install nginx php8.2-fpm wrk nghttp2-client openssl curl)"
done
if [ -z "${RR_BIN:-}" ]; then
    RR_BIN="$root/build/bench/rr"
    if [ ! -x "$RR_BIN" ]; then
        cmake -S "$root" -B "$root/build/bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DRR_BUILD_TESTS=OFF -DRR_WERROR=OFF >/dev/null || die "cmake configure failed"
        cmake --build "$root/build/bench" --target rr --parallel 2 >/dev/null || die "build failed"
    fi
fi
[ -x "$RR_BIN" ] || die "RR_BIN=$RR_BIN is not executable"

mkdir -p "$out/raw" "$here/results" || die "cannot create $out"
run="$(mktemp -d /tmp/rr-bench-tls.XXXXXX)"
chmod 755 "$run"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$run/key.pem" -out "$run/cert.pem" 2>/dev/null || die "cannot make a certificate"
chmod 644 "$run/key.pem"
mkdir -p "$run/app"
echo "<?php echo 'Hello';" >"$run/app/index.php"

declare -A port=([nginx]=$port_base [rr]=$((port_base + 1)))
declare -A path=([nginx]=/index.php [rr]=/)
for t in $targets; do
    ss -Hltn "sport = :${port[$t]}" | grep -q . && die "port ${port[$t]} ($t) is in use"
done
ss -Hltn "sport = :$((port_base + 2))" | grep -q . && die "port $((port_base + 2)) is in use"

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
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 100000000;
    default_type text/plain;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;
    ssl_session_tickets on;
    client_body_temp_path $run/nginx-body;
    proxy_temp_path $run/nginx-proxy;
    fastcgi_temp_path $run/nginx-fastcgi;
    uwsgi_temp_path $run/nginx-uwsgi;
    scgi_temp_path $run/nginx-scgi;
    server {
        listen 127.0.0.1:${port[nginx]} ssl http2;
        ssl_certificate $run/cert.pem;
        ssl_certificate_key $run/key.pem;
        root $run/app;
        location ~ \.php\$ {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_pass unix:$run/php-fpm.sock;
        }
    }
}
EOF
    sed "s|@RUN@|$run|g" "$here/conf/php-fpm.conf.in" >"$run/php-fpm.conf"
    cat >"$run/rr.yaml" <<EOF
version: "3"
server:
  command: "php -d opcache.enable_cli=1 -d opcache.jit=disable $here/app/psr7_worker.php"
http:
  address: 127.0.0.1:$((port_base + 2))
  ssl:
    address: 127.0.0.1:${port[rr]}
    cert: $run/cert.pem
    key: $run/key.pem
  pool:
    num_workers: 2
logs:
  mode: production
  level: error
EOF
}

url() { echo "https://127.0.0.1:${port[$1]}${path[$1]}"; }

declare -A tpid
start_all() {
    local t i
    $cpu_prefix setsid php-fpm8.2 -F -y "$run/php-fpm.conf" >"$run/php-fpm.out" 2>&1 </dev/null &
    pids+=($!)
    tpid[fpm]=$!
    $cpu_prefix setsid nginx -c "$run/nginx.conf" -p "$run" >"$run/nginx.out" 2>&1 </dev/null &
    pids+=($!)
    tpid[nginx]=$!
    $cpu_prefix setsid "$RR_BIN" serve -s -c "$run/rr.yaml" -w "$run" >"$run/rr.log" 2>&1 </dev/null &
    pids+=($!)
    tpid[rr]=$!
    for t in $targets; do
        for ((i = 0; i < 200; i++)); do
            [ "$(curl -sk --max-time 1 -o /dev/null -w '%{http_code}' "$(url "$t")")" = 200 ] && break
            sleep 0.1
        done
        [ "$i" -lt 200 ] || die "$t did not start (logs in $run)"
        # Both answer Hello, over HTTP/2 by ALPN.
        [ "$(curl -sk --http2 "$(url "$t")")" = Hello ] || die "$t: the body is not Hello"
        [ "$(curl -sk --http2 -o /dev/null -w '%{http_version}' "$(url "$t")")" = 2 ] ||
            die "$t: no HTTP/2 by ALPN"
    done
}

# The target's own CPU: its processes from /proc/<pid>/stat (nginx: nginx and php-fpm).
tree_ticks() {
    local files=() p
    for p in $(tree_of "$1"); do files+=("/proc/$p/stat"); done
    cat "${files[@]}" 2>/dev/null | awk '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s + 0 }'
}
own_ticks() {
    if [ "$1" = nginx ]; then
        echo $(($(tree_ticks "${tpid[nginx]}") + $(tree_ticks "${tpid[fpm]}")))
    else
        tree_ticks "${tpid[rr]}"
    fi
}

s_time() { # s_time <target> <-new|-reuse> <seconds> <raw>: 2 clients in parallel
    local t="$1" how="$2" secs="$3" raw="$4" k cpids=()
    for k in 1 2; do
        $client_prefix openssl s_time -connect "127.0.0.1:${port[$t]}" "$how" -time "$secs" \
            -www "${path[$t]}" >"$raw.$k" 2>&1 &
        cpids+=($!)
    done
    wait "${cpids[@]}"
    cat "$raw.1" "$raw.2" >"$raw"
    rm -f "$raw.1" "$raw.2"
}

measure() { # measure <scenario> <target> <round>
    local s="$1" t="$2" r="$3" raw o0 o1 value count
    raw="$out/raw/$mode-$s-r$r-$t.txt"
    o0=$(own_ticks "$t")
    case "$s" in
    h1) $client_prefix wrk -t1 -c64 -d"$duration"s "$(url "$t")" >"$raw" 2>&1 ;;
    h2) $client_prefix h2load -t1 -c64 -m10 --warm-up-time=1 -D "$duration" "$(url "$t")" >"$raw" 2>&1 ;;
    full) s_time "$t" -new "$duration" "$raw" ;;
    resume) s_time "$t" -reuse "$duration" "$raw" ;;
    esac
    o1=$(own_ticks "$t")
    read -r value count < <(python3 "$here/tls_h2_parse.py" "$s" "$raw" "$duration")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$s" "$r" "$t" "$value" "$count" \
        "$(awk -v d=$((o1 - o0)) -v h="$(getconf CLK_TCK)" 'BEGIN{print d / h}')" >>"$out/results.tsv"
    log "$mode $s round $r $t: $value/s ($count)"
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
        client_prefix="taskset -c 1"
    else
        cpu_prefix=""
        client_prefix=""
    fi
    log "starting servers ($mode)"
    start_all
    local s t r
    for t in $targets; do # warm: opcache, connections, session caches
        $client_prefix h2load -t1 -c16 -m10 -D 2 "$(url "$t")" >/dev/null 2>&1
        $client_prefix wrk -t1 -c16 -d2s "$(url "$t")" >/dev/null 2>&1
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
    echo "profile=$profile rounds=$rounds duration=${duration}s"
    echo "date=$stamp commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
    echo "kernel=$(uname -r) cpus=$(nproc) load_before=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
    echo "nginx=\"$(nginx -v 2>&1 | sed 's/.*: //')\" openssl=\"$(openssl version)\""
    echo "h2load=\"$(h2load --version 2>&1 | head -1)\" wrk=\"$(wrk -v 2>&1 | head -1)\""
    echo "rr=$RR_BIN"
} >"$out/meta.txt"
printf 'mode\tscenario\tround\ttarget\tvalue\tcount\town_cpu_s\n' >"$out/results.tsv"
run_mode unpinned
run_mode pinned
echo "load_after=\"$(cut -d' ' -f1-3 /proc/loadavg)\"" >>"$out/meta.txt"
python3 "$here/tls_h2_parse.py" summary "$out" "$summary"
log "summary: $summary"
