#!/usr/bin/env bash
# Sets up, builds and runs the tessera CLI with the given arguments. Default: `tessera serve` on embedded
# defaults (127.0.0.1:8181, the shipped policies in ./policies, decision log ./.tessera/decisions.sqlite).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
if (($# == 0)); then
    set -- serve
fi
swift run tessera "$@"
