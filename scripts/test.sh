#!/usr/bin/env bash
# Installs what is missing, builds (Debug + ASan/UBSan, warnings as errors) and runs every test:
# the C++ suites through ctest and the PHP library's PHPUnit suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

build=build/test
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRR_SANITIZE=ON -DRR_WERROR=ON >/dev/null
cmake --build "$build" --parallel "$(nproc)"

status=0
if [ -f php/phpunit.xml ]; then
    echo "== PHPUnit (php/)"
    # The tests against a real server (php/tests/Integration/ControlPlaneTest.php) run this rr.
    RR_BINARY="$PWD/$build/rr" phpunit -c php/phpunit.xml || status=1
fi

echo "== ctest"
# The metrics tests cross-check the exposition with promtool when one is available (fetched
# without installing the prometheus daemon; skipped with a message when that fails).
RR_PROMTOOL="${RR_PROMTOOL:-$(bash scripts/promtool.sh 2>/dev/null || true)}"
export RR_PROMTOOL
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure --timeout 300 -j "$(nproc)" || status=1
exit $status
