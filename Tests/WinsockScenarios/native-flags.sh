# Sourced by scripts/test-winsock.sh: sets NATIVE_CFLAGS and NATIVE_LIBS for building a scenario
# with gcc against EventSelect's Winsock compat headers and library (empty NATIVE_LIBS = not found).
# Order: an installed pkg-config package, then the library built from this checkout by SwiftPM.
if pkg-config --exists eventselect-winsock 2>/dev/null && [ "${WINSOCK_USE_INSTALLED:-0}" = 1 ]; then
    NATIVE_CFLAGS=$(pkg-config --cflags eventselect-winsock)
    NATIVE_LIBS=$(pkg-config --libs eventselect-winsock)
elif grep -q 'EventSelectWinsock' Package.swift 2>/dev/null; then
    echo "building EventSelectWinsock with SwiftPM ..." >&2
    if swift build --product EventSelectWinsock >"$BUILD/out/swift-build.log" 2>&1; then
        bin=$(swift build --show-bin-path 2>/dev/null)
        inc=$(dirname "$(find "$ROOT/include" "$ROOT/Sources/EventSelectWinsock" -name winsock2.h 2>/dev/null | head -1)" 2>/dev/null)
        lib=$(find "$bin" -maxdepth 1 -name 'libEventSelectWinsock*.so*' 2>/dev/null | head -1)
        if [ -n "$inc" ] && [ -n "$lib" ]; then
            NATIVE_CFLAGS="-I$inc"
            NATIVE_LIBS="-L$bin -lEventSelectWinsock -Wl,-rpath,$bin"
        fi
    else
        echo "swift build --product EventSelectWinsock failed; see $BUILD/out/swift-build.log" >&2
    fi
fi
