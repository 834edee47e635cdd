#!/usr/bin/env bash
# Installs what EventSelect needs on a fresh Debian machine with Swift: liburing (the C shim links
# it). Quiet when everything is there; uses apt-get (as root, or through sudo).
set -euo pipefail
missing=()
for pkg in liburing-dev "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH: install a Swift 6.1+ toolchain first" >&2; exit 1; }
