#!/usr/bin/env bash
# Installs what is missing, builds a Release rr and serves the example app (default: hello)
# on 127.0.0.1:8080. Usage: scripts/serve.sh [example-name]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
example=${1:-hello}
if [ "$example" = tls ] && [ ! -f examples/tls/certs/localhost.pem ]; then
    bash examples/tls/make-cert.sh  # a self-signed certificate for localhost
fi
build=build/release
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRR_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target rr
exec "$build/rr" serve -c "examples/$example/.rr.yaml"
