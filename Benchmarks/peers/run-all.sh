#!/usr/bin/env bash
# Run every peer over every workload/transport with bounded iteration counts
# (about a minute in total).  stdout: one JSON line per result, nothing else.
# stderr: progress and errors.  Exit status: 0 if every run succeeded.
set -uo pipefail
cd "$(dirname "$0")"
BIN=bin
PEERS=(epoll-lt epoll-oneshot uring-poll uring-poll-multishot libuv)

for p in "${PEERS[@]}"; do
    if [ ! -x "$BIN/$p" ]; then
        echo "run-all.sh: $BIN/$p missing, running build.sh" >&2
        ./build.sh >&2 || { echo "run-all.sh: build failed" >&2; exit 1; }
        break
    fi
done

# Latency numbers are only meaningful on an otherwise idle machine.
read -r load1 _ < /proc/loadavg
if awk -v l="$load1" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    echo "run-all.sh: WARNING: load average $load1 on $(nproc) CPUs; results will be inflated" >&2
fi

failures=0
run() {   # run <label> <cmd...>; bounded by timeout, JSON passes through
    local label=$1; shift
    echo "run-all.sh: $label" >&2
    if ! timeout 120 "$@"; then
        echo "run-all.sh: FAILED: $label" >&2
        failures=$((failures + 1))
    fi
}

for p in "${PEERS[@]}"; do
    for t in unix tcp; do
        run "$p W1 $t" "$BIN/$p" W1 "$t" 2000
        run "$p W2 $t 64" "$BIN/$p" W2 "$t" 64 128       # 8192 msgs/batch
        run "$p W2 $t 4096" "$BIN/$p" W2 "$t" 4096 2     # 8192 msgs/batch
        run "$p W3 $t" "$BIN/$p" W3 "$t" 5000
        run "$p W4 $t 10000" "$BIN/$p" W4 "$t" 10000 1000
        run "$p W4 $t max" "$BIN/$p" W4 "$t" max 1000
    done
done

if [ -f "$BIN/wine-wsaeventselect.exe" ] && command -v wine >/dev/null; then
    W="$BIN/wine-wsaeventselect.exe"
    export WINEDEBUG=-all
    run "wine W1 tcp" wine "$W" W1 tcp 100        # 20 x 100 round trips
    run "wine W2 tcp 64" wine "$W" W2 tcp 64 4
    run "wine W3 tcp" wine "$W" W3 tcp 200
else
    echo "skipping wine peer: $BIN/wine-wsaeventselect.exe not built (see build.sh)" >&2
fi

if [ "$failures" -ne 0 ]; then
    echo "run-all.sh: $failures run(s) failed" >&2
    exit 1
fi
