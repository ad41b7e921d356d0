#!/usr/bin/env bash
# Sets up and runs every test: the Swift test suites (unit tests, the upstream CEL corpus, round trips,
# mutation robustness, the server and the decision log against real peers: PostgreSQL, curl, OPA,
# Envoy), then `tessera check` and `tessera test` over the shipped policies, then the conformance runner
# over the upstream corpus and our own in parse, check and eval mode (its last line,
# `conformance: N passed, N failed, N skipped`, closes the run).
# The upstream corpus is read from ../shared/cel-spec (or $CEL_SPEC_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh --test

# The real peers the tests use: a throwaway PostgreSQL on loopback (stopped when this script ends) and
# the Python venv with the real OPA engine and Envoy. Each exports the variable its tests read.
eval "$(./scripts/testbed-postgres.sh start)"
trap './scripts/testbed-postgres.sh stop >/dev/null 2>&1 || true' EXIT
eval "$(./scripts/testbed.sh)"

corpus="${CEL_SPEC_DIR:-../shared/cel-spec}/tests/simple/testdata"
if [ ! -d "$corpus" ]; then
    echo "test: the CEL conformance corpus is missing: looked for $corpus (set CEL_SPEC_DIR to the cel-spec directory)" >&2
    exit 1
fi

# Style (../shared/STYLE.md §3.14): formatting and the no-force-unwrap rules, then a build that fails
# when a target imports a module it does not declare as a dependency (the layering rule).
swift format lint --strict --recursive Sources Tests Package.swift
swift build --build-tests --explicit-target-dependency-import-check error
swift test --skip-build
swift run tessera check policies
swift run tessera test policies
swift run cel-conformance --mode parse --skips conformance/skips.txt "$corpus" conformance/testdata
swift run cel-conformance --mode check --skips conformance/skips.txt "$corpus" conformance/testdata
swift run cel-conformance --mode eval --skips conformance/skips.txt "$corpus" conformance/testdata
