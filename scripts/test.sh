#!/usr/bin/env bash
# Runs EventSelect's whole test suite: installs what is missing, builds, runs the unit, conformance
# and cross-process tests on every backend the kernel allows, then checks that the SPEC API compiles.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build --build-tests
# Per-test "started" lines are dropped; failures, issues and the closing summary are kept.
set +e
swift test --skip-build 2>&1 | tee .build/test-output.txt | grep --line-buffered -vE '^(◇|↳)|started\.$'
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || exit "$status"
if [ -x ../shared/api-check/run.sh ]; then ../shared/api-check/run.sh "$PWD"; fi
