#!/usr/bin/env bash
# Build the EventSelect peer baselines into Benchmarks/peers/bin/.
#   - installs missing Debian packages (only when dpkg -s says they are missing)
#   - builds the C peers with gcc -O2 (failure here is fatal)
#   - builds the Wine peer with mingw and prepares the Wine prefix; if Wine or
#     mingw cannot be had it prints "skipping wine peer: <reason>" and still
#     succeeds.
set -euo pipefail
cd "$(dirname "$0")"
BIN=bin
mkdir -p "$BIN"

APT_UPDATED=0
missing_pkgs() {
    local p out=()
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || out+=("$p")
    done
    echo "${out[@]:-}"
}
apt_install() {   # returns non-zero instead of aborting, callers decide
    if [ "$(id -u)" != 0 ]; then
        echo "build.sh: not root, cannot apt-get install $*" >&2
        return 1
    fi
    if [ "$APT_UPDATED" = 0 ]; then
        apt-get update -qq >/dev/null || return 1
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---- C peers --------------------------------------------------------------
need=$(missing_pkgs gcc libc6-dev liburing-dev libuv1-dev)
if [ -n "$need" ]; then
    echo "build.sh: installing $need" >&2
    apt_install $need || { echo "build.sh: cannot install $need" >&2; exit 1; }
fi

CFLAGS=(-O2 -Wall -Wextra)
gcc "${CFLAGS[@]}" -o "$BIN/epoll-lt" epoll-lt.c
gcc "${CFLAGS[@]}" -o "$BIN/epoll-oneshot" epoll-oneshot.c
gcc "${CFLAGS[@]}" -o "$BIN/uring-poll" uring-poll.c -luring
gcc "${CFLAGS[@]}" -DMULTISHOT -o "$BIN/uring-poll-multishot" uring-poll.c -luring
gcc "${CFLAGS[@]}" -o "$BIN/libuv" libuv.c -luv
echo "build.sh: built C peers in $PWD/$BIN" >&2

# ---- Wine peer ---------------------------------------------------------------
rm -f "$BIN/wine-wsaeventselect.exe"
wine_peer() {
    local need
    need=$(missing_pkgs gcc-mingw-w64-x86-64 wine64 wine)
    if [ -n "$need" ]; then
        echo "build.sh: installing $need" >&2
        apt_install $need || { echo "skipping wine peer: apt-get install $need failed"; return 0; }
    fi
    command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "skipping wine peer: x86_64-w64-mingw32-gcc not on PATH"; return 0; }
    command -v wine >/dev/null || { echo "skipping wine peer: wine not on PATH"; return 0; }
    if ! x86_64-w64-mingw32-gcc -O2 -Wall -Wextra wine-wsaeventselect.c \
            -o "$BIN/wine-wsaeventselect.exe" -lws2_32; then
        rm -f "$BIN/wine-wsaeventselect.exe"
        echo "skipping wine peer: mingw build failed"
        return 0
    fi
    # First wine run creates the prefix (slow); do it here, not in run-all.sh.
    if ! WINEDEBUG=-all timeout 300 wine cmd /c exit 0 >/dev/null 2>&1; then
        rm -f "$BIN/wine-wsaeventselect.exe"
        echo "skipping wine peer: wine cannot start (prefix init failed)"
        return 0
    fi
    echo "build.sh: built $BIN/wine-wsaeventselect.exe" >&2
}
wine_peer >&2
