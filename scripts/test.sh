#!/usr/bin/env bash
# Runs EventSelect's whole test suite: installs what is missing, builds, checks that the SPEC API
# compiles, then runs the unit, conformance and cross-process tests on every backend the kernel allows.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build --build-tests
# The README's examples as a user's package: verbatim, resolving only swift-system, building, running.
scripts/check-example.sh
# The public API of SPEC.md section 3 must compile as written (when shared/ is beside the checkout).
if [ -x ../shared/api-check/run.sh ]; then ../shared/api-check/run.sh "$PWD"; fi
# Per-test "started" lines are dropped; failures, issues and the closing summary are kept.
set +e
swift test --skip-build 2>&1 | tee .build/test-output.txt | grep --line-buffered -vE '^(◇|↳)|started\.$'
status=${PIPESTATUS[0]}
set -e
# One plain closing line with the counts (Swift Testing's own summary comes after XCTest's empty one).
total=$(grep -oE 'Test run with [0-9]+ tests?' .build/test-output.txt | grep -oE '[0-9]+' | tail -1 || true)
failed=$(grep -cE '^✘ Test [^ ]+\(.*\).* failed after' .build/test-output.txt || true)
total=${total:-0}
failed=${failed:-0}
if [ "$status" -eq 0 ]; then
    echo "$total passed, 0 failed"
else
    [ "$failed" -gt 0 ] || failed=1
    echo "$((total > failed ? total - failed : 0)) passed, $failed failed"
    exit "$status"
fi
