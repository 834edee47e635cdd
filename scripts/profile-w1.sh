#!/usr/bin/env bash
# Deterministic W1 counts, for work on the hot path (wall-clock numbers on a shared machine are noise):
#   - user-space instructions per round trip (valgrind --tool=callgrind; N round trips minus none),
#     for EventSelect and for the raw-epoll ONESHOT C peer;
#   - syscalls per round trip (perf stat -e raw_syscalls:sys_enter);
#   - the top functions by inclusive cost (callgrind_annotate) of the first configuration.
#   scripts/profile-w1.sh [backend mode transport]...   default: epoll event unix, epoll message unix
# Needs valgrind and perf (apt-get install valgrind linux-perf); builds Benchmarks/profile/w1.swift
# against this checkout in a temporary package.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d /tmp/eventselect-profile.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Sources/w1"
cp Benchmarks/profile/w1.swift "$work/Sources/w1/main.swift"
cat > "$work/Package.swift" <<MANIFEST
// swift-tools-version: 6.1
import PackageDescription
let package = Package(name: "w1", dependencies: [.package(name: "EventSelect", path: "$root")],
  targets: [.executableTarget(name: "w1", dependencies: [.product(name: "EventSelect", package: "EventSelect")])])
MANIFEST
(cd "$work" && swift build -c release >/dev/null)
cp "$work/.build/release/w1" "$work/w1"
strip -g "$work/w1"   # valgrind 3.19 cannot read the toolchain's DWARF 5
(cd Benchmarks/peers && gcc -O2 -o "$work/oneshot" epoll-oneshot.c)
instructions() {   # instructions <n1> <n2> <command...>: callgrind instructions between two sizes
    local n1=$1 n2=$2; shift 2
    local a b
    a=$(valgrind --tool=callgrind --callgrind-out-file="$work/cg.a" "$@" "$n1" 2>&1 >/dev/null | grep -o 'Collected : [0-9]*' | grep -o '[0-9]*')
    b=$(valgrind --tool=callgrind --callgrind-out-file="$work/cg.b" "$@" "$n2" 2>&1 >/dev/null | grep -o 'Collected : [0-9]*' | grep -o '[0-9]*')
    echo $(( (b - a) / (n2 - n1) ))
}
syscalls() {   # syscalls <command...>: raw_syscalls:sys_enter per round trip (20,000 minus 0)
    local a b
    a=$(perf stat -x, -e raw_syscalls:sys_enter "$@" 0 2>&1 >/dev/null | tail -1 | cut -d, -f1)
    b=$(perf stat -x, -e raw_syscalls:sys_enter "$@" 20000 2>&1 >/dev/null | tail -1 | cut -d, -f1)
    python3 -c "print(round(($b - $a) / 20000, 2))"
}
configs=("$@")
[ ${#configs[@]} -eq 0 ] && configs=("epoll event unix" "epoll message unix")
# The peer's W1 runs 20 batches of N plus a warm-up of N (N <= 2000): 21 N round trips.
for transport in unix tcp; do
    i=$(instructions 100 2000 "$work/oneshot" W1 "$transport")
    echo "raw epoll ONESHOT (C), $transport: $(( i / 21 )) user instructions / round trip, 8 syscalls / round trip"
done
first=1
for config in "${configs[@]}"; do
    read -r backend mode transport <<< "$config"
    i=$(instructions 0 2000 "$work/w1" "$backend" "$mode" "$transport")
    s=$(syscalls "$work/w1" "$backend" "$mode" "$transport")
    echo "EventSelect $backend $mode $transport: $i user instructions / round trip, $s syscalls / round trip"
    if [ $first = 1 ]; then
        cp "$work/cg.b" "$work/profile.out"
        first=0
    fi
done
echo "Top functions (inclusive, per 2,000 round trips) of the first configuration:"
callgrind_annotate --inclusive=yes "$work/profile.out" 2>/dev/null | grep -E 'EventSelect|mutex|swift_retain|swift_release' | head -25
