#!/usr/bin/env bash
# The production profile (issue 16): rr with what Octane / the Symfony bundle / spiral/app turn
# on, against nginx + php-fpm and apache + mod_php configured the same way, and the bare
# profile (bench/run.sh's headline) side by side in the same run, by the method of
# ../shared/bench/PROTOCOL.md (interleaved rounds, both modes, paired ratios per round).
#
# Usage: bench/production.sh [--rounds N] [--mode pinned|unpinned|both] [--duration S]
#                            [--conns C] [--cases "bare prod api tls h2"]
#   defaults: 3 rounds, both modes, 10 s per run, c=64.
#   smoke:    bench/production.sh --rounds 1 --duration 1 --mode both   (checks the script)
#
# Cases (each runs every target: rr, nginx + php-fpm, apache + mod_php):
#   bare   GET / (PSR-7 hello / <?php echo 'Hello'), bare configs (bench/conf/rr.yaml.in,
#          the protocol's nginx and apache), HTTP/1.1 cleartext, wrk
#   prod   GET / hello, production configs (bench/conf/*-production.*), HTTP/1.1, wrk
#   api    GET /api/items (1.4 KiB JSON, gzipped by every target), production, wrk with
#          Accept-Encoding: gzip
#   tls    GET / hello, production, HTTPS (TLS 1.3, HTTP/1.1), wrk
#   h2     GET / hello, production, HTTPS + HTTP/2 (h2load -t1, C/4 connections x 4 streams =
#          C streams). A target that does not negotiate h2 (rr before HTTP/2 is merged;
#          apache, whose mod_http2 does not run under prefork) is skipped with a message.
# Production configs: rr = bench/conf/rr-production.yaml.in (static + headers + gzip/brotli +
# http_metrics middleware, status, metrics, rpc, JSON logs at info on stdout = one `http log`
# line per request, TLS); nginx = bench/conf/nginx-production.conf.in (try_files static
# location, gzip 6 + brotli 4 from 1 KiB, the same headers, a JSON access log, TLS with h2);
# apache = bench/conf/apache2-production.conf.in (FallbackResource, mod_deflate 6 on JSON,
# headers, access log, mod_ssl + mod_http2). All PHP: 2 workers/children, opcache on, JIT off.
#
# Per run: req/s, p50/p99 (wrk), errors, target CPU µs/request (the target's own process trees
# from /proc: rr + its workers; nginx + php-fpm; apache's children — robust on a busy machine),
# server CPU µs/request (machine busy time minus the load generator, as PROTOCOL.md; only
# meaningful on a quiet machine), rr's own process CPU µs/request (workers excluded).
# Output: bench/out/<UTC stamp>-production/{report.md,chart.png,results.tsv,meta.txt,raw/}.
#
# Environment: RR_BIN (rr binary; default build/bench/rr, built when missing), BENCH_PORT_BASE
# (first of 14 ports, default 18680), BENCH_OUT, BENCH_NO_INSTALL=1, BENCH_WAIT_QUIET (seconds
# to wait for load < 1.5), BENCH_MAX_JOBS (rr http.pool.max_jobs and fpm pm.max_requests in
# the production configs; default 0 = never; Octane's default is 500), BENCH_RSS_CONNS (idle
# connections for the RSS step after the unpinned rounds; default 10000, 0 = skip).
set -uo pipefail

rounds=3 modes="unpinned pinned" duration=10 conns=64 cases="bare prod api tls h2" warm=3
usage() {
    sed -n '7,9p' "$0" | sed 's/^# //' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    --rounds) rounds="$2" && shift 2 ;;
    --duration) duration="$2" && shift 2 ;;
    --conns) conns="$2" && shift 2 ;;
    --cases) cases="$2" && shift 2 ;;
    --mode)
        case "$2" in
        pinned | unpinned) modes="$2" ;;
        both) modes="unpinned pinned" ;;
        *) usage ;;
        esac
        shift 2
        ;;
    *) usage ;;
    esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ && "$duration" =~ ^[1-9][0-9]*$ && "$conns" =~ ^[1-9][0-9]*$ ]] ||
    usage
[ "$duration" -le 2 ] && warm=1

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
out="${BENCH_OUT:-$here/out/$stamp-production}"
port_base="${BENCH_PORT_BASE:-18680}"
max_jobs="${BENCH_MAX_JOBS:-0}"
rss_conns="${BENCH_RSS_CONNS:-10000}"
clk_tck="$(getconf CLK_TCK)"
app="$here/app"
prod_app="$here/app/prod"
targets="rr fpm apache"

log() { printf '[bench-prod %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Process bookkeeping: every server we start is recorded by PID and stopped by PID.
pids=()
run=""
descendants() { # every descendant PID of $1, from one snapshot of the process table
    ps -eo pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END {
            found[root] = 1
            do {
                added = 0
                for (p in parent) if (!(p in found) && (parent[p] in found)) { found[p] = 1; added = 1 }
            } while (added)
            for (p in found) if (p != root) print p
        }'
}
stop_pid() { # TERM a server and its process tree, wait up to 10 s, then KILL what is left
    local pid="$1" tree p i
    kill -0 "$pid" 2>/dev/null || return 0
    tree="$pid $(descendants "$pid" | tr '\n' ' ')"
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    for p in $tree; do
        kill -KILL "$p" 2>/dev/null
    done
    wait "$pid" 2>/dev/null
}
stop_all() {
    local pid
    for pid in "${pids[@]}"; do
        stop_pid "$pid"
    done
    pids=()
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_all
    if [ -n "$run" ]; then
        if [ "$rc" -ne 0 ] && [ -d "$out" ]; then
            mkdir -p "$out/logs" && cp "$run"/*.log "$run"/*.out "$run"/*.conf "$run"/*.yaml \
                "$out/logs/" 2>/dev/null
        fi
        rm -rf "$run"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

install_peers() {
    [ "${BENCH_NO_INSTALL:-0}" = 1 ] && return 0
    local pkgs=(nginx libnginx-mod-http-brotli-filter php8.2-fpm php8.2-cli php8.2-opcache apache2
        libapache2-mod-php8.2 wrk nghttp2-client gnuplot-nox python3 curl procps openssl
        php-nyholm-psr7 php-psr-http-factory php-psr-http-message)
    local missing=() p
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]}; run as root"
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null || die "apt-get install failed"
    fi
    for p in nginx php8.2-fpm apache2; do
        if service "$p" status >/dev/null 2>&1; then
            log "stopping the Debian-started $p service"
            service "$p" stop >/dev/null 2>&1
        fi
    done
}

build_rr() {
    if [ -n "${RR_BIN:-}" ]; then
        [ -x "$RR_BIN" ] || die "RR_BIN=$RR_BIN is not executable"
        return 0
    fi
    RR_BIN="$root/build/bench/rr"
    if [ ! -f "$root/build/bench/build.ninja" ]; then
        cmake -S "$root" -B "$root/build/bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DRR_BUILD_TESTS=OFF -DRR_BUILD_BENCH=ON >/dev/null || die "cmake configure failed"
    fi
    log "building rr (Release) in build/bench"
    cmake --build "$root/build/bench" --target rr --parallel 2 >"$out/build.log" 2>&1 ||
        die "rr build failed; see $out/build.log"
}

# ---------------------------------------------------------------------------------------------
# Ports and URLs. Stacks: "bare" (rr-bare alone; nginx and apache serve bare and production
# from one instance each, on separate ports) and "prod".
declare -A port
i=0
for k in fpm-bare fpm-prod fpm-tls apache-bare apache-prod apache-tls rr-bare rr-prod rr-tls \
    rr-status rr-metrics rr-rpc rr-bare-rpc spare; do
    port[$k]=$((port_base + i))
    i=$((i + 1))
done
case_url() { # case_url <case> <target>
    local c="$1" t="$2" path="/"
    [ "$t" != rr ] && path="/index.php"
    case "$c" in
    bare) echo "http://127.0.0.1:${port[$t-bare]}$path" ;;
    prod) echo "http://127.0.0.1:${port[$t-prod]}/" ;;
    api) echo "http://127.0.0.1:${port[$t-prod]}/api/items" ;;
    tls | h2) echo "https://127.0.0.1:${port[$t-tls]}/" ;;
    esac
}
declare -A group_pids # target → PIDs whose process trees are that target's CPU
declare -A own_pid    # rr-bare / rr-prod → the rr process
declare -A skip       # "case:target" → reason (h2 not negotiated)

php_opcache="-d opcache.enable_cli=1 -d opcache.jit=disable"

render() { # render template $1 to $2 with @KEY@ substitutions given as KEY=value
    local src="$1" dst="$2" kv
    shift 2
    local args=()
    for kv in "$@"; do
        args+=(-e "s|@${kv%%=*}@|${kv#*=}|g")
    done
    sed "${args[@]}" "$src" >"$dst"
}
spawn() { # spawn <logfile> <cmd...>: background, the mode's CPU prefix, own session
    local logf="$1"
    shift
    # shellcheck disable=SC2086
    $cpu_prefix setsid "$@" >"$logf" 2>&1 </dev/null &
    pids+=($!)
    last_pid=$!
}
wait_ready() { # wait_ready <url> <expected body prefix>: deadline 20 s
    local u="$1" want="$2" body i
    for ((i = 0; i < 200; i++)); do
        body="$(curl -sk --compressed --max-time 1 "$u" 2>/dev/null)"
        [[ "$body" == "$want"* ]] && return 0
        sleep 0.1
    done
    die "$u did not answer '$want' (last body: '${body:0:80}'); logs: $out/logs"
}

start_all() {
    log "starting servers ($mode)"
    render "$here/conf/nginx-production.conf.in" "$run/nginx.conf" "RUN=$run" "APP=$app" \
        "PUBLIC=$prod_app/public" "BARE_PORT=${port[fpm-bare]}" "PROD_PORT=${port[fpm-prod]}" \
        "TLS_PORT=${port[fpm-tls]}" "CERT=$run/cert.pem" "KEY=$run/key.pem"
    render "$here/conf/php-fpm.conf.in" "$run/php-fpm.conf" "RUN=$run"
    sed -i "s/^pm.max_requests = 0/pm.max_requests = $max_jobs/" "$run/php-fpm.conf"
    render "$here/conf/apache2-production.conf.in" "$run/apache2.conf" "RUN=$run" "APP=$app" \
        "PUBLIC=$prod_app/public" "BARE_PORT=${port[apache-bare]}" \
        "PROD_PORT=${port[apache-prod]}" "TLS_PORT=${port[apache-tls]}" \
        "CERT=$run/cert.pem" "KEY=$run/key.pem"
    render "$here/conf/rr.yaml.in" "$run/rr-bare.yaml" "PORT=${port[rr-bare]}" \
        "PHP_COMMAND=php $php_opcache $app/psr7_worker.php"
    render "$here/conf/rr-production.yaml.in" "$run/rr-prod.yaml" "PORT=${port[rr-prod]}" \
        "TLS_PORT=${port[rr-tls]}" "STATUS_PORT=${port[rr-status]}" \
        "METRICS_PORT=${port[rr-metrics]}" "RPC_PORT=${port[rr-rpc]}" \
        "PUBLIC=$prod_app/public" "CERT=$run/cert.pem" "KEY=$run/key.pem" \
        "PHP_COMMAND=php $php_opcache $prod_app/worker.php"
    sed -i "s/^    max_jobs: 0/    max_jobs: $max_jobs/" "$run/rr-prod.yaml"

    spawn "$run/php-fpm.out" php-fpm8.2 -F -y "$run/php-fpm.conf"
    local fpm_pid=$last_pid
    spawn "$run/nginx.out" nginx -c "$run/nginx.conf" -p "$run" -e "$run/nginx-error.log"
    group_pids[fpm]="$fpm_pid $last_pid"
    spawn "$run/apache2.out" apache2 -f "$run/apache2.conf" -DFOREGROUND
    group_pids[apache]="$last_pid"
    spawn "$run/rr-bare.log" "$RR_BIN" serve -s -c "$run/rr-bare.yaml" -w "$app"
    own_pid[rr-bare]=$last_pid
    spawn "$run/rr-prod.log" "$RR_BIN" serve -c "$run/rr-prod.yaml" -w "$prod_app"
    own_pid[rr-prod]=$last_pid
    group_pids[rr]="${own_pid[rr-bare]} ${own_pid[rr-prod]}"

    local t c body
    skip=()
    for t in $targets; do
        for c in bare prod; do
            wait_ready "$(case_url "$c" "$t")" Hello
        done
        wait_ready "$(case_url api "$t")" '{"data"'
        if ! curl -s --max-time 3 -o /dev/null -D - -H 'Accept-Encoding: gzip' \
            "$(case_url api "$t")" | grep -qi '^content-encoding: *gzip'; then
            log "warning: $t did not gzip the JSON API answer: the api case is not like for like"
        fi
        # The cleartext listener is up, so the TLS one is too if the binary serves it: a build
        # without TLS (rr before it was merged) skips the TLS and h2 legs instead of failing.
        body="$(curl -sk --max-time 3 --retry 2 --retry-connrefused "$(case_url tls "$t")")"
        if [ "$body" != Hello ]; then
            skip[tls:$t]="no answer over TLS"
            skip[h2:$t]="no answer over TLS"
            log "tls and h2 legs skipped for $t: it did not answer over TLS (an rr build without TLS?)"
        fi
    done
    # HTTP/2: a target that does not negotiate it is skipped (rr before branch h2 is merged).
    if [[ " $cases " == *" h2 "* ]]; then
        for t in $targets; do
            [ -n "${skip[h2:$t]:-}" ] && continue
            local probe
            # h2load falls back to HTTP/1.1 when ALPN does not pick h2: insist on h2.
            probe="$(timeout 10 h2load -n2 -c1 "$(case_url h2 "$t")" 2>&1)"
            if ! grep -q "Application protocol: h2" <<<"$probe" ||
                ! grep -q "2 succeeded" <<<"$probe"; then
                skip[h2:$t]="$(grep -m1 -E '^Application protocol' <<<"$probe" ||
                    grep -m1 -iE 'negotiat|error' <<<"$probe" || echo 'h2load failed')"
                log "h2 leg skipped for $t: it did not speak HTTP/2 (${skip[h2:$t]})"
            fi
        done
    fi
}

# ---------------------------------------------------------------------------------------------
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8; exit}' /proc/stat; }
tree_ticks() { # CPU ticks of the given PIDs and all their descendants
    local p q files=()
    for p in "$@"; do
        files+=("/proc/$p/stat")
        for q in $(descendants "$p"); do
            files+=("/proc/$q/stat")
        done
    done
    cat "${files[@]}" 2>/dev/null | awk '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s + 0 }'
}
own_ticks() { # the process alone (all its threads)
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
secs() { awk -v d="$1" -v h="$clk_tck" 'BEGIN { print d / h }'; }

load_gen() { # load_gen <case> <url> <seconds> <raw file>: prints the generator's CPU seconds
    (
        if [ "$1" = h2 ]; then
            $gen_prefix h2load -t1 -c"$(((conns + 3) / 4))" -m4 -D"$3" "$2" >"$4" 2>&1
        elif [ "$1" = bare ]; then
            $gen_prefix wrk -t1 -c"$conns" -d"$3"s --latency "$2" >"$4" 2>&1
        else
            $gen_prefix wrk -t1 -c"$conns" -d"$3"s --latency -H 'Accept-Encoding: gzip' \
                "$2" >"$4" 2>&1
        fi
        times >"$4.times"
    )
    awk 'NR == 2 { gsub("s", "", $1); gsub("s", "", $2); split($1, u, "m"); split($2, s, "m");
        print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$4.times"
    rm -f "$4.times"
}

measure() { # measure <case> <target> <round>: one line of results.tsv
    local c="$1" t="$2" r="$3" raw b0 b1 g0 g1 o0=0 o1=0 gcpu opid=""
    raw="$out/raw/$mode-$c-r$r-$t.txt"
    if [ "$t" = rr ]; then
        opid="${own_pid[rr-prod]}"
        [ "$c" = bare ] && opid="${own_pid[rr-bare]}"
    fi
    # shellcheck disable=SC2086
    g0=$(tree_ticks ${group_pids[$t]})
    [ -n "$opid" ] && o0=$(own_ticks "$opid")
    b0=$(busy_ticks)
    gcpu=$(load_gen "$c" "$(case_url "$c" "$t")" "$duration" "$raw")
    b1=$(busy_ticks)
    [ -n "$opid" ] && o1=$(own_ticks "$opid")
    # shellcheck disable=SC2086
    g1=$(tree_ticks ${group_pids[$t]})
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$conns" "$r" "$c" "$t" "$raw" \
        "$(secs $((b1 - b0)))" "$gcpu" "$(secs $((o1 - o0)))" "$(secs $((g1 - g0)))" \
        "$duration" >>"$out/results.tsv"
    if [ "$c" = h2 ]; then
        log "$mode $c round $r $t: $(awk '/^finished in/{print $4}' "$raw") req/s"
    else
        log "$mode $c round $r $t: $(awk '/Requests\/sec/{print $2}' "$raw") req/s"
    fi
}

run_mode() {
    mode="$1"
    if [ "$mode" = pinned ]; then
        cpu_prefix="taskset -c 0" gen_prefix="taskset -c 1"
    else
        cpu_prefix="" gen_prefix=""
    fi
    start_all
    local c t r k jobs=()
    for c in $cases; do
        for t in $targets; do
            [ -n "${skip[$c:$t]:-}" ] && continue
            jobs+=("$c:$t")
        done
    done
    for k in "${jobs[@]}"; do
        log "warming ${k} (${warm}s)"
        load_gen "${k%%:*}" "$(case_url "${k%%:*}" "${k#*:}")" "$warm" "$run/warm.txt" >/dev/null
    done
    local n=${#jobs[@]} j
    for ((r = 1; r <= rounds; r++)); do
        for ((j = 0; j < n; j++)); do
            k="${jobs[$(((j + r - 1) % n))]}" # rotated each round
            measure "${k%%:*}" "${k#*:}" "$r"
            sleep 1
        done
    done
    if [ "$mode" = unpinned ] && [ "$rss_conns" -gt 0 ]; then
        # rr's RSS with idle keep-alive connections (issue 16: <= 64 MiB with 10,000), over
        # h1, TLS h1 and h2 (4 streams each), one after the other on the production rr.
        local proto p
        for proto in h1 h1-tls h2; do
            p="${port[rr-prod]}"
            [ "$proto" != h1 ] && p="${port[rr-tls]}"
            if [ "$proto" != h1 ] && [ -n "${skip[tls:rr]:-}" ]; then
                continue
            fi
            log "rr RSS with $rss_conns idle keep-alive connections ($proto)"
            /usr/bin/python3 "$here/idle_rss.py" --port "$p" --pid "${own_pid[rr-prod]}" \
                --connections "$rss_conns" --proto "$proto" >>"$out/rss.jsonl" ||
                log "idle RSS measurement ($proto) failed"
        done
    fi
    for k in "${!skip[@]}"; do
        printf '%s\t%s\t%s\n' "$mode" "$k" "${skip[$k]}" >>"$out/skipped.tsv"
    done
    stop_all
    group_pids=() own_pid=()
}

# ---------------------------------------------------------------------------------------------
mkdir -p "$out/raw" || die "cannot create $out"
install_peers
build_rr
# The RSS step opens BENCH_RSS_CONNS (10,000) connections: as high as the hard limit allows
# (4096 here made the client fail with EMFILE and rr refuse handshakes when the hard limit was
# below 65536).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 4096 2>/dev/null
for k in "${!port[@]}"; do
    ss -Hltn "sport = :${port[$k]}" | grep -q . && die "port ${port[$k]} ($k) is in use"
done
quiet_deadline=$(($(date +%s) + ${BENCH_WAIT_QUIET:-0}))
while :; do
    load1="$(cut -d' ' -f1 /proc/loadavg)"
    awk -v l="$load1" 'BEGIN { exit !(l < 1.5) }' && break
    if [ "$(date +%s)" -ge "$quiet_deadline" ]; then
        log "warning: the machine is busy (load $load1): figures will be noisy"
        break
    fi
    sleep 5
done
run="$(mktemp -d /tmp/rr-bench-prod.XXXXXX)"
chmod 755 "$run"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$run/key.pem" -out "$run/cert.pem" >/dev/null 2>&1 || die "openssl req failed"
chmod 644 "$run/key.pem"

{
    echo "profile=production rounds=$rounds duration=${duration}s conns=$conns modes=\"$modes\""
    echo "cases=\"$cases\" targets=\"$targets\" max_jobs=$max_jobs"
    echo "date=$stamp"
    echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null) rr=$RR_BIN"
    echo "kernel=$(uname -r) cpus=$(nproc)"
    echo "load_before=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
    echo "nginx=\"$(nginx -v 2>&1 | sed 's/.*: //')\" php=\"$(php -r 'echo PHP_VERSION;')\""
    echo "wrk=\"$(wrk -v 2>&1 | head -1)\" h2load=\"$(h2load --version 2>&1 | head -1)\""
} >"$out/meta.txt"
printf 'mode\tconns\tround\tcase\ttarget\traw\tbusy_s\tgen_cpu_s\town_cpu_s\tgroup_cpu_s\tseconds\n' \
    >"$out/results.tsv"
: >"$out/skipped.tsv"
echo "measured_from=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$out/meta.txt"
log "cases $cases; modes $modes; output $out"
for m in $modes; do
    run_mode "$m"
done
echo "load_after=\"$(cut -d' ' -f1-3 /proc/loadavg)\" measured_to=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    >>"$out/meta.txt"
/usr/bin/python3 "$here/production_report.py" "$out" || die "report failed"
log "report: $out/report.md, chart: $out/chart.png"
