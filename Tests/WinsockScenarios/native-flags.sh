# Sourced by scripts/test-winsock.sh: sets NATIVE_CFLAGS and NATIVE_LIBS for building a scenario
# with gcc against EventSelect's Winsock compat headers and library (empty NATIVE_LIBS = not found).
# The library and headers are copied into $BUILD first, so a rebuild of the package while the
# scenarios build and run cannot change them half-way.
swift_runtime=$(dirname "$(readlink -f "$(command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)")")/../lib/swift/linux
if [ "${WINSOCK_USE_INSTALLED:-0}" = 1 ] && pkg-config --exists eventselect-winsock 2>/dev/null; then
    NATIVE_CFLAGS=$(pkg-config --cflags eventselect-winsock)
    NATIVE_LIBS=$(pkg-config --libs eventselect-winsock)
elif grep -q 'EventSelectWinsock' Package.swift 2>/dev/null; then
    echo "building EventSelectWinsock with SwiftPM ..." >&2
    # EVENTSELECT_SWIFT_FLAGS: the flags scripts/test.sh built with, so this build is incremental.
    # shellcheck disable=SC2086
    if swift build ${EVENTSELECT_SWIFT_FLAGS:-} --product EventSelectWinsock >"$OUT/swift-build.log" 2>&1; then
        bin=$(swift build ${EVENTSELECT_SWIFT_FLAGS:-} --show-bin-path 2>/dev/null)
        lib=$(find "$bin" -maxdepth 1 -name 'libEventSelectWinsock.so' 2>/dev/null | head -1)
        if [ -d "$ROOT/include/eventselect/compat" ] && [ -n "$lib" ]; then
            rm -rf "$BUILD/lib" "$BUILD/include"
            mkdir -p "$BUILD/lib" "$BUILD/include"
            cp "$lib" "$BUILD/lib/"
            cp -r "$ROOT/include/eventselect/compat" "$BUILD/include/"
            NATIVE_CFLAGS="-I$BUILD/include/compat"
            NATIVE_LIBS="-L$BUILD/lib -lEventSelectWinsock -Wl,-rpath,$BUILD/lib -Wl,-rpath,$swift_runtime"
        fi
    else
        echo "swift build --product EventSelectWinsock failed; see $OUT/swift-build.log" >&2
    fi
fi
