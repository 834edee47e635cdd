#!/usr/bin/env bash
# Builds the DocC documentation of the EventSelect library (Sources/EventSelect/EventSelect.docc
# and the doc comments) with swift-docc-plugin; warnings (unresolved links, undocumented
# parameters) are errors. The archive lands in .build/plugins/Swift-DocC/outputs/.
#   scripts/docs.sh                 build the archive
#   scripts/docs.sh --preview       serve it locally (swift package preview-documentation)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
if [ "${1:-}" = "--preview" ]; then
    exec swift package --disable-sandbox preview-documentation --target EventSelect
fi
swift package generate-documentation --target EventSelect --warnings-as-errors
