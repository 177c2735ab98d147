#!/usr/bin/env bash
# Prints the path of a promtool binary for the metrics tests (tests/unit/metrics/promtool_test.cpp),
# fetching it on first use WITHOUT installing Debian's `prometheus` package (96 MB, a daemon with
# a system user and a service): the .deb is downloaded with apt-get and only unpacked.
#
#   export RR_PROMTOOL="$(scripts/promtool.sh)"
#   ctest --test-dir build/dev -R Promtool
set -euo pipefail

if command -v promtool >/dev/null 2>&1; then
    command -v promtool
    exit 0
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/rr/promtool"
bin="$cache/root/usr/bin/promtool"
if [ ! -x "$bin" ]; then
    mkdir -p "$cache"
    (cd "$cache" && apt-get download prometheus >/dev/null 2>&1) || {
        echo "promtool.sh: apt-get download prometheus failed" >&2
        exit 1
    }
    dpkg-deb -x "$(ls "$cache"/prometheus_*.deb | head -n1)" "$cache/root"
    rm -f "$cache"/prometheus_*.deb
fi
echo "$bin"
