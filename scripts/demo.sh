#!/usr/bin/env bash
# Runs the EventSelect demo (release build): installs what is missing, builds, runs with the given
# arguments (see `scripts/demo.sh --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build -c release --product eventselect-demo
exec .build/release/eventselect-demo "$@"
