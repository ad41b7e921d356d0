#!/usr/bin/env bash
# Sets up, builds and runs the tessera CLI with the given arguments (default: parse an example policy
# expression and print its syntax tree).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
if (($# == 0)); then
    set -- parse "request.auth.claims.sub == 'system:serviceaccount:prod:api' && request.auth.claims.groups.exists(g, g.startsWith('team-'))"
fi
swift run tessera "$@"
