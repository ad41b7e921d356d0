#!/usr/bin/env bash
# Installs the system packages Tessera builds against, when they are missing (Debian/Ubuntu).
#   scripts/setup.sh          what building and running need
#   scripts/setup.sh --test   also the real peers the tests start (PostgreSQL, Python venv, curl, openssl)
set -euo pipefail

# libpcre2-dev: CEL's `matches`; libsqlite3-dev: the SQLite decision log (GRDB); libssl-dev, pkg-config,
# tzdata: the build and CEL's time zones.
packages=(libpcre2-dev libsqlite3-dev libssl-dev pkg-config tzdata)
if [ "${1:-}" = "--test" ]; then
    # postgresql: the PostgreSQL decision-log tests (scripts/testbed-postgres.sh); python3-venv: the venv
    # of scripts/testbed.sh (the real OPA engine, Envoy); curl, openssl, sqlite3: end-to-end, TLS and
    # durability tests.
    packages+=(postgresql python3 python3-venv curl openssl sqlite3)
fi
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "setup: no 'swift' on PATH; install a Swift 6.1 or newer toolchain (swift.org) first" >&2
    exit 1
fi
