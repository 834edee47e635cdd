#!/usr/bin/env bash
# Checks Examples/ReadmeExample, a package that depends on EventSelect as the README tells a user to:
# - each executable's main.swift is one of the README's examples, verbatim, in order
#   (`--write` rewrites them from the README instead of checking);
# - resolving it never brings in the documentation plugin;
# - unless --resolve-only: building it compiles EventSelect and swift-system only (not the demo's
#   or the benchmark runner's command-line dependencies), every example builds as a program
#   (top-level code, as a user pastes it) and runs to completion.
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
# Resolution: what SwiftPM fetches. It may fetch the packages of EventSelect's own executables
# (the demo's and the benchmark runner's command-line dependencies) but never the documentation
# plugin; what matters is what gets built, checked below.
deps=$(cd "$example" && swift package --scratch-path "$scratch" show-dependencies --format flatlist 2>/dev/null | sort -u)
echo "ReadmeExample fetches: $(echo $deps)"
if echo "$deps" | grep -q docc; then
    echo "a package using only EventSelect resolves the documentation plugin" >&2
    exit 1
fi
[ "${1:-}" = "--resolve-only" ] && exit 0
(cd "$example" && swift build --scratch-path "$scratch" 2>&1 | grep -E "error|warning: " || true)
# What was compiled: the modules with object files. Only EventSelect, its C shim, swift-system and
# the examples themselves may be there.
built=$(find "$scratch/debug/" -path '*.build/*' -name '*.o' | sed -E 's|.*/([^/]+)\.build/.*|\1|' | sort -u)
allowed=$(printf '%s\n' CEventSelect CSystem EventSelect SystemPackage "${names[@]}" | sort -u)
extra=$(comm -23 <(echo "$built") <(echo "$allowed"))
echo "$built" | grep -qx EventSelect || { echo "no EventSelect objects under $scratch/debug" >&2; exit 1; }
if [ -n "$extra" ]; then
    echo "a package using only EventSelect builds more than EventSelect and swift-system: $(echo $extra)" >&2
    exit 1
fi
echo "ReadmeExample builds: $(echo $built)"
for name in "${names[@]}"; do
    if ! output=$("$scratch/debug/$name" 2>&1); then
        echo "$output" >&2
        echo "example $name failed" >&2
        exit 1
    fi
    echo "$name: $(echo "$output" | tail -1)"
done
