#!/usr/bin/env bash
# Checks Examples/ReadmeExample, a package that depends on EventSelect as the README tells a user to:
# - each executable's main.swift is one of the README's examples, verbatim, in order
#   (`--write` rewrites them from the README instead of checking);
# - resolving it brings in EventSelect and swift-system only (the demo's and benchmark's
#   command-line dependencies, and the documentation plugin, are not the library's);
# - unless --resolve-only: every example builds as a program (top-level code, as a user pastes it)
#   and runs to completion.
set -euo pipefail
cd "$(dirname "$0")/.."
example=Examples/ReadmeExample
names=(EventObjects WindowProcedure AsyncAwait SharedSockets TypedErrors)
python3 - "${1:-}" "$example/Sources" "${names[@]}" <<'PY'
import os, re, sys
mode, sources, names = sys.argv[1], sys.argv[2], sys.argv[3:]
blocks = [b for b in re.findall(r"```swift\n(.*?)```", open("README.md").read(), re.S)
          if not b.startswith("// swift-tools-version")]
if len(blocks) != len(names):
    sys.exit(f"README has {len(blocks)} examples; {sources} has {len(names)}: update both")
for name, block in zip(names, blocks):
    path = os.path.join(sources, name, "main.swift")
    if mode == "--write":
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").write(block)
    elif not os.path.exists(path) or open(path).read() != block:
        sys.exit(f"{path} differs from the README's example (scripts/check-example.sh --write)")
PY
[ "${1:-}" = "--write" ] && exit 0
scratch="$PWD/.build-example"
deps=$(cd "$example" && swift package --scratch-path "$scratch" show-dependencies --format flatlist 2>/dev/null | sort -u)
# A path dependency's identity is its folder's name: this checkout's.
expected=$(printf '%s\nswift-system\n' "$(basename "$PWD" | tr 'A-Z' 'a-z')" | sort -u)
if [ "$deps" != "$expected" ]; then
    echo "a package using only EventSelect resolves more than it needs:" >&2
    echo "$deps" >&2
    exit 1
fi
echo "ReadmeExample resolves: $(echo $deps)"
[ "${1:-}" = "--resolve-only" ] && exit 0
(cd "$example" && swift build --scratch-path "$scratch" 2>&1 | grep -E "error|warning|Compiling|Build" | grep -v "^\[" || true)
for name in "${names[@]}"; do
    if ! output=$("$scratch/debug/$name" 2>&1); then
        echo "$output" >&2
        echo "example $name failed" >&2
        exit 1
    fi
    echo "$name: $(echo "$output" | tail -1)"
done
