#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer (heap/stack overflows, use after free, leaks of
# the C shim's allocations are not checked: detect_leaks=0, Swift's runtime keeps caches for good).
# A separate build directory (.build-asan) keeps the normal build untouched. About 2-3x the normal
# suite's time. Extra arguments go to `swift test` (e.g. --filter FaultTests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build --build-tests --sanitize=address --scratch-path .build-asan
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=1}"
set +e
swift test --skip-build --sanitize=address --scratch-path .build-asan "$@" 2>&1 | tee .build-asan/test-output.txt \
    | grep --line-buffered -vE '^(◇|↳)|started\.$'
status=${PIPESTATUS[0]}
set -e
if grep -q "ERROR: AddressSanitizer" .build-asan/test-output.txt; then
    echo "AddressSanitizer reported errors (see .build-asan/test-output.txt)"
    exit 1
fi
[ "$status" -eq 0 ] && echo "AddressSanitizer: clean" || exit "$status"
