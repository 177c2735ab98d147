#!/usr/bin/env bash
# Makes a self-signed certificate for localhost / 127.0.0.1 / ::1 in examples/tls/certs/ (P-256,
# valid 30 days), for the HTTPS example in this directory. Needs the openssl CLI (Debian
# `openssl`). Clients must be told to trust it: `curl --cacert examples/tls/certs/localhost.pem`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$here/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -keyout "$here/certs/localhost.key" -out "$here/certs/localhost.pem" \
    -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    -addext "extendedKeyUsage=serverAuth" 2>/dev/null
chmod 600 "$here/certs/localhost.key"
echo "wrote $here/certs/localhost.pem and localhost.key"
