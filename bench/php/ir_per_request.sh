#!/usr/bin/env bash
# Instructions per request of the PHP library's per-request path, counted by callgrind (does not
# depend on machine load). For each case/phase, runs ir_count.php with N1 and N2 iterations and
# prints (Ir(N2) - Ir(N1)) / (N2 - N1), which cancels start-up.
# Usage: bench/php/ir_per_request.sh [case ...]   (default: wrk/json browser/json)
#   env PHASES="decode encode psr7_wait psr7_resp psr7 psr7_relay", N1=500, N2=5500,
#   PHP_ARGS="-d opcache.enable_cli=1 -d opcache.jit=disable"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(wrk/json browser/json)
phases=${PHASES:-decode encode psr7_wait psr7_resp psr7 psr7_relay}
n1=${N1:-500}
n2=${N2:-5500}
read -r -a php_args <<< "${PHP_ARGS:--d opcache.enable_cli=1 -d opcache.jit=disable}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

ir() {  # case phase n -> total Ir
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" \
        php "${php_args[@]}" "$here/ir_count.php" "$1" "$2" "$3" 2>"$tmp/err" >/dev/null \
        || { cat "$tmp/err" >&2; exit 1; }
    sed -n 's/^summary: //p' "$tmp/out"
}

printf '%-14s' case
for p in $phases; do printf ' %10s' "$p"; done
printf '   (instructions per request, callgrind, N %d..%d, php %s)\n' "$n1" "$n2" \
    "${php_args[*]}"
for c in "${cases[@]}"; do
    printf '%-14s' "$c"
    for p in $phases; do
        a=$(ir "$c" "$p" "$n1")
        b=$(ir "$c" "$p" "$n2")
        printf ' %10d' $(( (b - a) / (n2 - n1) ))
    done
    printf '\n'
done
