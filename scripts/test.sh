#!/usr/bin/env bash
# Installs what is missing, builds (Debug + ASan/UBSan, warnings as errors) and runs every test:
# the C++ suites through ctest, the PHP library's PHPUnit suite, the fault suite's short run
# (tests/faults) and a fuzz smoke run of every libFuzzer target (clang build in build/fuzz).
# RR_FAULTS=0 / RR_FUZZ=0 skip the last two; RR_FUZZ_SECONDS sets the time per fuzz target.
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

if [ "${RR_FAULTS:-1}" != 0 ]; then
    echo "== fault suite (tests/faults/run.sh, short run)"
    RR_BINARY="$PWD/$build/rr" bash tests/faults/run.sh || status=1
fi

if [ "${RR_FUZZ:-1}" != 0 ]; then
    # Only the fuzzers and what they link (no tests): a few minutes with ccache warm.
    echo "== fuzz smoke (fuzz/run.sh ${RR_FUZZ_SECONDS:-5})"
    if CXX=clang++ CC=clang cmake -S . -B build/fuzz -G Ninja -DRR_BUILD_FUZZ=ON \
            -DRR_BUILD_TESTS=OFF >/dev/null &&
        cmake --build build/fuzz --target rr_fuzzers --parallel "$(nproc)"; then
        FUZZ_BUILD=build/fuzz bash fuzz/run.sh "${RR_FUZZ_SECONDS:-5}" || status=1
    else
        echo "fuzz build failed" >&2
        status=1
    fi
fi
exit $status
