// swift-tools-version: 6.1
// Micro-benchmarks of EventSelect with ordo-one/benchmark (`swift package benchmark`).
// A separate package so the main build does not pull in the benchmark framework.
// The full workload runner (with the C peers and BENCHMARKS.md) is the root package's
// `eventselect-bench` (scripts/bench.sh).
import PackageDescription

let package = Package(
    name: "EventSelectBenchmarks",
    dependencies: [
        .package(name: "EventSelect", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // perf_event_open / getrusage counters (the framework's syscalls and contextSwitches
        // metrics are not supported on Linux).
        .target(name: "CSyscallCounter", path: "Sources/CSyscallCounter"),
        .executableTarget(
            name: "EventSelectBenchmarks",
            dependencies: [
                "CSyscallCounter",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EventSelect", package: "EventSelect"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Benchmarks/EventSelectBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        )
    ]
)
