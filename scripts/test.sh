#!/usr/bin/env bash
# Sets up and runs every test: the Swift test suites (unit tests, the upstream CEL corpus, round trips,
# mutation robustness), then the conformance runner over the upstream corpus and our own.
# The upstream corpus is read from ../shared/cel-spec (or $CEL_SPEC_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

corpus="${CEL_SPEC_DIR:-../shared/cel-spec}/tests/simple/testdata"
if [ ! -d "$corpus" ]; then
    echo "test: the CEL conformance corpus is missing: looked for $corpus (set CEL_SPEC_DIR to the cel-spec directory)" >&2
    exit 1
fi

swift build --build-tests
swift test --skip-build
swift run cel-conformance --mode parse --skips conformance/skips.txt "$corpus" conformance/testdata
