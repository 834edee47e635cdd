#!/usr/bin/env bash
# Runs EventSelect's whole test suite: installs what is missing, builds, checks the README's
# examples as a user's package, checks the public API (where the conformance kit's api-check is
# beside the checkout), runs the unit, conformance and cross-process tests on every backend the
# kernel allows, then the Winsock C API's conformance scenarios (scripts/test-winsock.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
# Zero warnings: every target (and the Winsock library that scripts/test-winsock.sh links, built with
# the same flags so that build is incremental) compiles with warnings as errors.
export EVENTSELECT_SWIFT_FLAGS="-Xswiftc -warnings-as-errors"
# shellcheck disable=SC2086
swift build --build-tests $EVENTSELECT_SWIFT_FLAGS
# The Swift sources are formatted as .swift-format says (scripts/format.sh fixes them).
scripts/format.sh --check
# The README's examples as a user's package: verbatim, resolving only swift-system, building, running.
scripts/check-example.sh
# The public API must compile as the external conformance suite uses it (its api-check, when present).
if [ -x ../shared/api-check/run.sh ]; then ../shared/api-check/run.sh "$PWD"; fi
# Per-test "started" lines are dropped; failures, issues and the closing summary are kept.
set +e
swift test --skip-build $EVENTSELECT_SWIFT_FLAGS 2>&1 | tee .build/test-output.txt | grep --line-buffered -vE '^(◇|↳)|started\.$'
status=${PIPESTATUS[0]}
set -e
# The Swift suite's counts (Swift Testing's own summary comes after XCTest's empty one).
total=$(grep -oE 'Test run with [0-9]+ tests?' .build/test-output.txt | grep -oE '[0-9]+' | tail -1 || true)
failed=$(grep -cE '^✘ Test [^ ]+\(.*\).* failed after' .build/test-output.txt || true)
total=${total:-0}
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
passed=$((total > failed ? total - failed : 0))
echo "Swift tests: $passed passed, $failed failed"
# Then the Winsock C API's differential conformance scenarios (each also built with mingw-w64 and run
# under Wine where it can be installed).
set +e
scripts/test-winsock.sh 2>&1 | tee .build/test-winsock-output.txt
winsock_status=${PIPESTATUS[0]}
set -e
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' .build/test-winsock-output.txt | tail -1 || true)
winsock_passed=$(echo "$line" | grep -oE '^[0-9]+' || echo 0)
winsock_failed=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)
if [ "$winsock_status" -ne 0 ] && [ "${winsock_failed:-0}" -eq 0 ]; then winsock_failed=1; fi
echo "Winsock scenarios: ${winsock_passed:-0} passed, ${winsock_failed:-0} failed"
# One plain closing line with the counts of both.
echo "$((passed + ${winsock_passed:-0})) passed, $((failed + ${winsock_failed:-0})) failed"
[ "$status" -eq 0 ] && [ "$winsock_status" -eq 0 ]
