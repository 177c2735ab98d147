#!/usr/bin/env bash
# The fuzz campaign (docs/reliability.md): runs every libFuzzer target for the given time, one
# after the other, from its committed seeds (fuzz/<name>/seeds or fuzz/<name>/corpus) plus the
# corpus earlier runs grew (<build>/fuzz-corpus/<name>, not committed), and prints execs,
# speed, coverage and the result per target. A crash leaves its input in
# <build>/fuzz-artifacts/<name>/ and makes the exit code 1.
#
# Usage: fuzz/run.sh [seconds per target, default 60] [target ...]
# Build first (clang 14):
#   CXX=clang++ CC=clang cmake -S . -B build/fuzz -G Ninja -DRR_BUILD_FUZZ=ON -DRR_BUILD_TESTS=OFF
#   cmake --build build/fuzz --target rr_fuzzers
# FUZZ_BUILD picks the build dir (default build/fuzz, else build/clang); FUZZ_JOBS=N runs N
# targets at a time (default 1); FUZZ_LOG=file appends "date target seconds execs cov" lines.
# fuzz/<name>/libfuzzer.options, if present, holds extra libFuzzer flags for that target.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
build="${FUZZ_BUILD:-}"
if [ -z "$build" ]; then
    for b in "$root/build/fuzz" "$root/build/clang"; do
        [ -d "$b/fuzz" ] && { build="$b"; break; }
    done
fi
[ -n "$build" ] && [ -d "$build/fuzz" ] || { echo "no fuzz build (see the header of $0)" >&2; exit 2; }

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for d in "$root"/fuzz/*/; do
        n="$(basename "$d")"
        [ -f "$d/CMakeLists.txt" ] && targets+=("$n")
    done
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
out="$(mktemp -d /tmp/rr-fuzz.XXXXXX)"
trap 'rm -rf "$out"' EXIT

run_one() {
    local n="$1" bin="$build/fuzz/$1/$1_fuzz" seeds=() opts=()
    if [ ! -x "$bin" ]; then
        echo "missing" >"$out/$n.status"
        return
    fi
    for s in seeds corpus; do
        [ -d "$root/fuzz/$n/$s" ] && seeds+=("$root/fuzz/$n/$s")
    done
    for d in "$root/fuzz/$n"/*.dict; do
        [ -f "$d" ] && opts+=("-dict=$d")
    done
    # Per-target libFuzzer flags, one a line ('#' starts a comment).
    if [ -f "$root/fuzz/$n/libfuzzer.options" ]; then
        while read -r o; do
            [ -n "$o" ] && opts+=("$o")
        done < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$root/fuzz/$n/libfuzzer.options")
    fi
    mkdir -p "$build/fuzz-corpus/$n" "$build/fuzz-artifacts/$n"
    "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$build/fuzz-artifacts/$n/" "${opts[@]}" \
        "$build/fuzz-corpus/$n" "${seeds[@]}" >"$out/$n.log" 2>&1
    echo $? >"$out/$n.status"
}

jobs_max="${FUZZ_JOBS:-1}"
for n in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
    run_one "$n" &
done
wait

status=0
printf '%-12s %14s %10s %8s %8s %7s  %s\n' target execs exec/s cov ft corpus result
for n in "${targets[@]}"; do
    st="$(cat "$out/$n.status" 2>/dev/null || echo missing)"
    if [ "$st" = missing ]; then
        printf '%-12s %14s %10s %8s %8s %7s  %s\n' "$n" - - - - - "not built"
        status=1
        continue
    fi
    log="$out/$n.log"
    execs="$(awk '/stat::number_of_executed_units:/ { print $2 }' "$log" | tail -1)"
    speed="$(awk '/stat::average_exec_per_sec:/ { print $2 }' "$log" | tail -1)"
    last="$(grep -E '^#[0-9]+' "$log" | tail -1)"
    cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")"
    ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")"
    corp="$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")"
    result=ok
    if [ "$st" != 0 ]; then
        result="FAILED (exit $st): $(grep -m1 -E 'ERROR:|==[0-9]+==|Test unit written' "$log")"
        status=1
        cp "$log" "$build/fuzz-artifacts/$n/last-run.log"
    fi
    printf '%-12s %14s %10s %8s %8s %7s  %s\n' "$n" "${execs:-?}" "${speed:-?}" "${cov:-?}" \
        "${ft:-?}" "${corp:-?}" "$result"
    if [ -n "${FUZZ_LOG:-}" ]; then
        printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$n" "$seconds" "${execs:-0}" \
            "${cov:-0}" >>"$FUZZ_LOG"
    fi
done
exit $status
