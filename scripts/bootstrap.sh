#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the examples need.
# Idempotent: quiet and fast when everything is already present.
set -euo pipefail

packages=(
    # toolchain
    g++ cmake make ninja-build pkg-config clang libclang-rt-14-dev
    # C++ libraries
    libboost-dev libboost-system-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
    nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libnghttp2-dev libssl-dev
    libprotobuf-dev protobuf-compiler zlib1g-dev libdeflate-dev libbrotli-dev libzstd-dev
    # PHP side
    php8.2-cli php8.2-opcache php-nyholm-psr7 php-psr-http-factory php-psr-http-message php-psr-log phpunit
    # test helpers (nghttp2-client: nghttp, h2load; python3-h2: frame-level HTTP/2 tests;
    # python3-brotli, python3-zstandard: decoding compressed responses in e2e tests)
    curl procps openssl nghttp2-client python3-h2 python3-brotli python3-zstandard
    # deployment file checks (tests/unit/deploy): systemd-analyze, yamllint, PyYAML
    systemd yamllint python3-yaml
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: missing packages: ${missing[*]}; run as root (or via sudo)" >&2
    exit 1
fi

echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
