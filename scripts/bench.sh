#!/usr/bin/env bash
# Runs the EventSelect benchmark runner (release build): installs what is missing, builds with a
# private scratch path (.build-bench, so it does not contend for .build's lock), runs
# `eventselect-bench` with the given arguments and writes BENCHMARKS.md.
#   scripts/bench.sh            full run (under 5 minutes)
#   scripts/bench.sh --quick    about a minute
#   scripts/bench.sh --help     all options
# The ordo-one/benchmark micro-benchmarks are a separate package: cd Benchmarks && swift package benchmark
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build -c release --product eventselect-bench --scratch-path .build-bench
exec .build-bench/release/eventselect-bench --root "$PWD" "$@"
