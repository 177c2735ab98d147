#!/usr/bin/env bash
# Runs the PHP codec micro-benchmark without opcache, with opcache, and with opcache + JIT.
# Usage: bench/php/run.sh [iterations-per-run] [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n="${1:-2000}"
runs="${2:-30}"
php -d opcache.enable_cli=0 "$here/http_codec_bench.php" "$n" "$runs"
php -d opcache.enable_cli=1 -d opcache.jit=disable "$here/http_codec_bench.php" "$n" "$runs" | tail -n +2
php -d opcache.enable_cli=1 -d opcache.jit=tracing -d opcache.jit_buffer_size=64M \
    "$here/http_codec_bench.php" "$n" "$runs" | tail -n +2
