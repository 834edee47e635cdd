#!/usr/bin/env bash
# Installs EventSelect with CMake into a temporary prefix and builds against it the way users do:
# the WSAAsyncSelect example with one pkg-config line, and Tests/InstallCheck with
# find_package(EventSelect) (the Winsock example through EventSelect::Winsock, and a static link
# of the C shim that must bring liburing). Each built program runs and must print what the example
# prints on Windows. Takes a few minutes (a release build of the Swift library). Prints one line
# per check and "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d /tmp/eventselect-install.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix
pass=0 fail=0
check() { # name, command...
    local name=$1; shift
    if "$@" >"$WORK/$name.log" 2>&1; then pass=$((pass + 1)); echo "ok   $name"
    else fail=$((fail + 1)); echo "FAIL $name"; tail -20 "$WORK/$name.log" | sed 's/^/     /'; fi
}
for tool in cmake pkg-config gcc; do
    command -v $tool >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $tool >/dev/null 2>&1; }
done
check configure cmake -S "$ROOT" -B "$WORK/build" -DCMAKE_INSTALL_PREFIX="$PREFIX"
check build cmake --build "$WORK/build"
check install cmake --install "$WORK/build"
check soname sh -c "readelf -d '$PREFIX/lib/libEventSelectWinsock.so.0.1.0' | grep -q 'SONAME.*libEventSelectWinsock.so.0' && readelf -d '$PREFIX/lib/libceventselect.so.0.1.0' | grep -q 'SONAME.*libceventselect.so.0'"
check public-header-only sh -c "ls '$PREFIX/include/eventselect' | grep -qx CEventSelect.h && ls '$PREFIX/include/eventselect/compat' | grep -qx winsock2.h"
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
check pkg-config-build sh -c "gcc -Wall -Wextra -Werror '$ROOT/Examples/winsock/async_select_echo.c' -o '$WORK/echo' \$(pkg-config --cflags --libs eventselect-winsock)"
check pkg-config-run sh -c "timeout 60 '$WORK/echo' | diff - '$ROOT/Examples/winsock/expected/async_select_echo.txt'"
check pkg-config-static-libs sh -c "pkg-config --static --libs eventselect | grep -q -- -luring"
check find-package-configure cmake -S "$ROOT/Tests/InstallCheck" -B "$WORK/consumer" -DCMAKE_PREFIX_PATH="$PREFIX"
check find-package-build cmake --build "$WORK/consumer"
check find-package-run sh -c "timeout 60 '$WORK/consumer/event_select_server' | diff - '$ROOT/Examples/winsock/expected/event_select_server.txt'"
check static-shim-run sh -c "'$WORK/consumer/shim_static' | grep -q 'eventfd ok' && readelf -d '$WORK/consumer/shim_static' | grep -q 'liburing'"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
