#!/usr/bin/env bash
# Sets up, builds and runs the tessera CLI with the given arguments (default: evaluate an example policy
# expression over an example input and print the result).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
if (($# == 0)); then
    set -- eval \
        "request.auth.claims.groups.exists(g, g.startsWith('team-')) && request.auth.claims.sub.startsWith('system:serviceaccount:prod:')" \
        --input '{"request": {"auth": {"claims": {"sub": "system:serviceaccount:prod:api", "groups": ["readers", "team-payments"]}}}}'
fi
swift run tessera "$@"
