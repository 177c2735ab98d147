#!/usr/bin/env bash
# rr against nginx + php-fpm, apache2 + mod_php and nginx static, by the method of
# ../shared/bench/PROTOCOL.md (docs/benchmarks.md explains the report).
#
# Usage: bench/run.sh [quick|full]
#   quick  c=64, 3 rounds of 3 s per target and mode            (about 4 minutes)
#   full   c=16 and c=64, 5 rounds of 10 s per target and mode  (about 25 minutes)
#   smoke  1 round of 1 s: checks that every target starts and answers (no figures)
#
# One command: installs the peers from Debian (idempotent), builds a Release rr in build/bench
# (unless RR_BIN is given), writes every config from bench/conf/*.in into a temp dir, starts
# each server on 127.0.0.1 with 2 PHP workers, warms it, runs interleaved rounds in both modes
# (unpinned, then pinned: servers on cpu0, wrk on cpu1), measures rr's RSS with 1,000 idle
# keep-alive connections, stops every process it started by PID (also on failure or Ctrl-C),
# and writes bench/out/<UTC date>/report.md + chart.png.
#
# Environment: RR_BIN (rr binary), BENCH_PORT_BASE (first of 6 ports, default 18480),
# BENCH_TARGETS (space-separated subset of: static fpm apache rr rr-jit rr-raw),
# BENCH_NO_INSTALL=1 (skip apt), BENCH_OUT (output dir), BENCH_WAIT_QUIET (seconds to wait for
# a 1-minute load average below 1.5 before starting; default 0: warn and go on).
set -uo pipefail

profile="${1:-quick}"
case "$profile" in
quick) rounds=3 duration=3 conns_list="64" warm=3 ;;
full) rounds=5 duration=10 conns_list="16 64" warm=3 ;;
smoke) rounds=1 duration=1 conns_list="16" warm=1 ;; # checks the script itself, not a result
*)
    echo "usage: $0 [quick|full|smoke]" >&2
    exit 2
    ;;
esac

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
app="$here/app"
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
out="${BENCH_OUT:-$here/out/$stamp}"
targets="${BENCH_TARGETS:-static fpm apache rr rr-jit rr-raw}"
port_base="${BENCH_PORT_BASE:-18480}"
clk_tck="$(getconf CLK_TCK)"

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Process bookkeeping: every server we start is recorded by PID and stopped by PID.
pids=()
run=""

descendants() { # prints every descendant PID of $1, from one snapshot of the process table
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
        # On failure keep the servers' logs (the temp dir goes away) for the error message.
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

# ---------------------------------------------------------------------------------------------
install_peers() {
    [ "${BENCH_NO_INSTALL:-0}" = 1 ] && return 0
    local pkgs=(nginx php8.2-fpm php8.2-cli php8.2-opcache apache2 libapache2-mod-php8.2 wrk
        nghttp2-client gnuplot-nox python3 curl procps php-nyholm-psr7 php-psr-http-factory
        php-psr-http-message)
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
    # The packages may start their Debian services; we run our own instances, so stop those.
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
# Targets: name → port, URL, how it is started.
declare -A port url
i=0
for t in static fpm apache rr rr-jit rr-raw; do
    port[$t]=$((port_base + i))
    i=$((i + 1))
done
url[static]="http://127.0.0.1:${port[static]}/hello.txt"
url[fpm]="http://127.0.0.1:${port[fpm]}/index.php"
url[apache]="http://127.0.0.1:${port[apache]}/index.php"
url[rr]="http://127.0.0.1:${port[rr]}/"
url[rr-jit]="http://127.0.0.1:${port[rr-jit]}/"
url[rr-raw]="http://127.0.0.1:${port[rr-raw]}/"
declare -A main_pid # target → PID whose own CPU we report (rr targets)

php_opcache="-d opcache.enable_cli=1 -d opcache.jit=disable"
php_jit="-d opcache.enable_cli=1 -d opcache.jit=tracing -d opcache.jit_buffer_size=64M"

render() { # render template $1 to $2 with the @KEY@ substitutions that follow as KEY=value
    local src="$1" dst="$2" kv
    shift 2
    local args=()
    for kv in "$@"; do
        args+=(-e "s|@${kv%%=*}@|${kv#*=}|g")
    done
    sed "${args[@]}" "$src" >"$dst"
}

wants() { [[ " $targets " == *" $1 "* ]]; }

spawn() { # spawn <logfile> <cmd...>: start in the background with the mode's CPU prefix
    local logf="$1"
    shift
    # setsid: each server gets its own session and process group, because apache's prefork
    # parent signals its whole process group on shutdown (it would kill this script too).
    # A background child is not a group leader, so setsid execs in place: $! is the server.
    # shellcheck disable=SC2086
    $cpu_prefix setsid "$@" >"$logf" 2>&1 </dev/null &
    pids+=($!)
    last_pid=$!
}

wait_ready() { # wait (deadline 20 s) until the URL answers "Hello"
    local t="$1" body i
    for ((i = 0; i < 200; i++)); do
        body="$(curl -s --max-time 1 "${url[$t]}" 2>/dev/null)"
        [ "$body" = "Hello" ] && return 0
        sleep 0.1
    done
    die "$t did not answer Hello at ${url[$t]} (last body: '${body:0:80}'); logs: $out/logs"
}

start_rr() { # start_rr <target> <php command>
    local t="$1" cmd="$2"
    render "$here/conf/rr.yaml.in" "$run/$t.yaml" "PORT=${port[$t]}" "PHP_COMMAND=$cmd"
    spawn "$run/$t.log" "$RR_BIN" serve -s -c "$run/$t.yaml" -w "$app"
    main_pid[$t]=$last_pid
}

start_all() {
    log "starting servers ($mode)"
    if wants static || wants fpm; then
        render "$here/conf/nginx.conf.in" "$run/nginx.conf" "RUN=$run" "APP=$app" \
            "STATIC_PORT=${port[static]}" "FPM_PORT=${port[fpm]}"
        render "$here/conf/php-fpm.conf.in" "$run/php-fpm.conf" "RUN=$run"
        spawn "$run/php-fpm.out" php-fpm8.2 -F -y "$run/php-fpm.conf"
        spawn "$run/nginx.out" nginx -c "$run/nginx.conf" -p "$run" -e "$run/nginx-error.log"
    fi
    if wants apache; then
        render "$here/conf/apache2.conf.in" "$run/apache2.conf" "RUN=$run" "APP=$app" \
            "APACHE_PORT=${port[apache]}"
        spawn "$run/apache2.out" apache2 -f "$run/apache2.conf" -DFOREGROUND
    fi
    wants rr && start_rr rr "php $php_opcache $app/psr7_worker.php"
    wants rr-jit && start_rr rr-jit "php $php_jit $app/psr7_worker.php"
    wants rr-raw && start_rr rr-raw "php $php_opcache $root/examples/raw/worker.php"
    local t
    for t in $targets; do
        wait_ready "$t"
    done
}

# ---------------------------------------------------------------------------------------------
# Measurement. Machine busy time comes from /proc/stat (user + nice + system + irq + softirq of
# all CPUs; steal is the hypervisor's, not ours), the load generator's own
# CPU from the subshell's `times` (wrk is its only child), an rr process's own CPU from
# /proc/<pid>/stat (utime + stime of every thread; its PHP children are not included).
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8; exit}' /proc/stat; }
own_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# CPU ticks of every process we started and their descendants (PHP workers, nginx and apache
# children). Busy time minus this and wrk is what other programs used: the run's noise.
ours_ticks() {
    local p q files=()
    for p in "${pids[@]}"; do
        files+=("/proc/$p/stat")
        for q in $(descendants "$p"); do
            files+=("/proc/$q/stat")
        done
    done
    # The command name in field 2 may hold spaces: count fields after its closing parenthesis.
    cat "${files[@]}" 2>/dev/null | awk '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s + 0 }'
}

wrk_run() { # wrk_run <target> <conns> <seconds> <raw output file>: prints wrk's CPU seconds
    (
        $wrk_prefix wrk -t1 -c"$2" -d"$3"s --latency "${url[$1]}" >"$4" 2>&1
        # `times` must run in this subshell itself (not in a pipe, which would fork): its
        # second line is the children's user and system time, e.g. "0m1.234s 0m0.567s".
        times >"$4.times"
    )
    awk 'NR == 2 { gsub("s", "", $1); gsub("s", "", $2); split($1, u, "m"); split($2, s, "m");
        print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$4.times"
    rm -f "$4.times"
}

measure() { # measure <target> <conns> <round>: appends one line to results.tsv
    local t="$1" c="$2" r="$3" raw b0 b1 o0=0 o1=0 s0 s1 wcpu
    raw="$out/raw/$mode-c$c-r$r-$t.txt"
    s0=$(ours_ticks)
    [ -n "${main_pid[$t]:-}" ] && o0=$(own_ticks "${main_pid[$t]}")
    b0=$(busy_ticks)
    wcpu=$(wrk_run "$t" "$c" "$duration" "$raw")
    b1=$(busy_ticks)
    [ -n "${main_pid[$t]:-}" ] && o1=$(own_ticks "${main_pid[$t]}")
    s1=$(ours_ticks)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$c" "$r" "$t" "$raw" \
        "$(awk -v d=$((b1 - b0)) -v h="$clk_tck" 'BEGIN{print d / h}')" "$wcpu" \
        "$(awk -v d=$((o1 - o0)) -v h="$clk_tck" 'BEGIN{print d / h}')" \
        "$(awk -v d=$((s1 - s0)) -v h="$clk_tck" 'BEGIN{print d / h}')" "$duration" \
        >>"$out/results.tsv"
    log "$mode c=$c round $r $t: $(awk '/Requests\/sec/{print $2}' "$raw") req/s"
}

rotate() { # rotate <n> <words...>: the words rotated left by n
    local n="$1"
    shift
    local a=("$@")
    local k=${#a[@]} j
    for ((j = 0; j < k; j++)); do
        printf '%s ' "${a[$(((j + n) % k))]}"
    done
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
    start_all
    local t c r
    for t in $targets; do
        log "warming $t (${warm}s)"
        $wrk_prefix wrk -t1 -c64 -d"$warm"s "${url[$t]}" >/dev/null 2>&1
    done
    # shellcheck disable=SC2086
    for ((r = 1; r <= rounds; r++)); do
        for c in $conns_list; do
            for t in $(rotate $((r - 1)) $targets); do
                measure "$t" "$c" "$r"
                sleep 1
            done
        done
    done
    if [ "$mode" = unpinned ] && wants rr; then
        log "rr RSS with 1,000 idle keep-alive connections"
        /usr/bin/python3 "$here/idle_rss.py" --port "${port[rr]}" --pid "${main_pid[rr]}" \
            --connections 1000 >"$out/rss.json" || log "idle RSS measurement failed"
    fi
    stop_all
    main_pid=()
}

# ---------------------------------------------------------------------------------------------
mkdir -p "$out/raw" || die "cannot create $out"
install_peers
build_rr
ulimit -n 65536 2>/dev/null || ulimit -n 4096 2>/dev/null
for t in $targets; do
    ss -Hltn "sport = :${port[$t]}" | grep -q . && die "port ${port[$t]} ($t) is in use"
done
# A quiet machine is the method's first step: wait up to BENCH_WAIT_QUIET seconds (default 0)
# for a 1-minute load average below 1.5, and say so when it is not quiet.
quiet_deadline=$(($(date +%s) + ${BENCH_WAIT_QUIET:-0}))
while :; do
    load1="$(cut -d' ' -f1 /proc/loadavg)"
    awk -v l="$load1" 'BEGIN { exit !(l < 1.5) }' && break
    if [ "$(date +%s)" -ge "$quiet_deadline" ]; then
        log "warning: the machine is busy (load $load1): figures will be noisy (see 'other CPU %')"
        break
    fi
    sleep 5
done
run="$(mktemp -d /tmp/rr-bench.XXXXXX)"
chmod 755 "$run"

{
    echo "profile=$profile rounds=$rounds duration=${duration}s conns=\"$conns_list\""
    echo "targets=\"$targets\""
    echo "date=$stamp"
    echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
    echo "kernel=$(uname -r) cpus=$(nproc)"
    echo "load_before=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
    echo "nginx=\"$(nginx -v 2>&1 | sed 's/.*: //')\" php=\"$(php -r 'echo PHP_VERSION;')\""
    echo "wrk=\"$(wrk -v 2>&1 | head -1)\""
} >"$out/meta.txt"
printf 'mode\tconns\tround\ttarget\traw\tbusy_s\twrk_cpu_s\town_cpu_s\tours_cpu_s\tseconds\n' >"$out/results.tsv"

echo "measured_from=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$out/meta.txt"
log "profile $profile: targets $targets; output $out"
run_mode unpinned
run_mode pinned
echo "load_after=\"$(cut -d' ' -f1-3 /proc/loadavg)\" measured_to=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    >>"$out/meta.txt"

/usr/bin/python3 "$here/report.py" "$out" || die "report failed"
log "report: $out/report.md, chart: $out/chart.png"
