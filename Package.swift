// swift-tools-version:6.1
// EventSelect: Winsock's WSAEventSelect / WSAAsyncSelect and shared sockets, on Linux.
import PackageDescription

let package = Package(
    name: "EventSelect",
    products: [
        .library(name: "EventSelect", targets: ["EventSelect"]),
        .executable(name: "eventselect-demo", targets: ["EventSelectDemo"]),
        .executable(name: "eventselect-bench", targets: ["EventSelectBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1")
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
        .executableTarget(
            name: "EventSelectDemo",
            dependencies: [
                "EventSelect",
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
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
    ]
)
