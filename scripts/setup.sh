#!/usr/bin/env bash
# Installs the system packages Tessera builds against, when they are missing (Debian/Ubuntu).
set -euo pipefail

packages=(libpcre2-dev libssl-dev pkg-config tzdata)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update
    $sudo apt-get install -y "${missing[@]}"
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "setup: no 'swift' on PATH; install a Swift 6.1 or newer toolchain (swift.org) first" >&2
    exit 1
fi
