#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's `swift format` and the repository's .swift-format
# (4 spaces, 120 columns). The README's examples and their verbatim copies (Examples/ReadmeExample,
# ReadmeExamplesTests.swift) are left as the README shows them; manifests are left alone.
#   scripts/format.sh           format in place
#   scripts/format.sh --check   exit 1 if formatting would change anything
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.swift' | grep -vE '^Examples/ReadmeExample/|ReadmeExamplesTests\.swift$|(^|/)Package\.swift$')
if [ "${1:-}" = "--check" ]; then
    changed=0
    for f in "${files[@]}"; do
        if ! swift format format --configuration .swift-format "$f" | cmp -s - "$f"; then echo "not formatted: $f"; changed=1; fi
    done
    exit $changed
fi
swift format format --in-place --configuration .swift-format "${files[@]}"
