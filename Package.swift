// swift-tools-version:6.1
// EventSelect: Winsock's WSAEventSelect / WSAAsyncSelect and shared sockets, on Linux.
import PackageDescription

let package = Package(
    name: "EventSelect",
    // A package that depends on EventSelect and uses the library builds EventSelect, the C shim and
    // swift-system only. SwiftPM still fetches the packages of the two executables' dependencies
    // (argument-parser, hdrhistogram, subprocess) when it resolves; it does not build them
    // (scripts/check-example.sh checks both).
    products: [
        .library(name: "EventSelect", targets: ["EventSelect"]),
        // Winsock's own C API (winsock2.h, windows.h, ws2tcpip.h in include/eventselect/compat) as a
        // shared library for C programs: a thin layer over EventSelect.
        .library(name: "EventSelectWinsock", type: .dynamic, targets: ["EventSelectWinsock"]),
        .executable(name: "eventselect-demo", targets: ["EventSelectDemo"]),
        .executable(name: "eventselect-bench", targets: ["EventSelectBench"]),
    ],
    dependencies: [
        // The library's only dependency: Errno and FileDescriptor are in its API.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // `swift package generate-documentation --target EventSelect`. A command plugin that no
        // product uses: packages that depend on EventSelect do not even fetch it
        // (scripts/check-example.sh checks).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The command-line tools' dependencies (demo, benchmark runner): none of
        // them is a dependency of the EventSelect library.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // Thin C shim over epoll, io_uring (liburing), eventfd and socket identity. No policy here.
        .target(
            name: "CEventSelect",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("uring")]
        ),
        .target(
            name: "EventSelect",
            dependencies: [
                "CEventSelect",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // What the demo and the benchmark runner share: one monotonic clock, latency percentiles
        // (HdrHistogram), an interactive child process. Not a product.
        .target(
            name: "EventSelectTools",
            dependencies: [
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Compile-time checks that the compat headers keep Windows' struct layouts, which the
        // Winsock layer reads and writes by offset.
        .target(
            name: "CEventSelectWinsock",
            cSettings: [.headerSearchPath("../../include/eventselect/compat")]
        ),
        .target(
            name: "EventSelectWinsock",
            dependencies: [
                "EventSelect",
                "CEventSelectWinsock",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .executableTarget(
            name: "EventSelectDemo",
            dependencies: [
                "EventSelect",
                "EventSelectTools",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Per-thread syscall counter (perf_event_open on raw_syscalls:sys_enter) for the bench's
        // "syscalls per op" figures; the same source as the micro-benchmarks package's.
        .target(name: "CBenchCounters", path: "Benchmarks/Sources/CSyscallCounter"),
        .executableTarget(
            name: "EventSelectBench",
            dependencies: [
                "EventSelect",
                "CBenchCounters",
                "EventSelectTools",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // A second process for the cross-process tests: driven over stdin/stdout by the tests.
        .executableTarget(
            name: "EventSelectTestPeer",
            dependencies: [
                "EventSelect",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "EventSelectTests",
            dependencies: [
                "EventSelect",
                "EventSelectTestPeer",
                "EventSelectTools",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The Winsock C API, driven from C programs compiled with gcc against the compat headers.
        .testTarget(
            name: "EventSelectWinsockTests",
            dependencies: ["EventSelectWinsock"]
        ),
    ]
)
