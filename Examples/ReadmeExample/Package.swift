// swift-tools-version:6.1
// A package that uses EventSelect the way the README tells a new user to, with each of the README's
// examples as one executable (its main.swift is the README's block, verbatim). The only difference
// from the README's manifest: EventSelect comes from this checkout (`path: "../.."`) instead of its
// URL. `scripts/check-example.sh` checks the examples against the README, builds them (only
// EventSelect and swift-system may be compiled besides them) and runs them.
import PackageDescription

let examples = ["EventObjects", "WindowProcedure", "AsyncAwait", "SharedSockets", "TypedErrors"]

let package = Package(
    name: "ReadmeExample",
    dependencies: [
        .package(name: "EventSelect", path: "../.."),
        // Errno and FileDescriptor, which EventSelect's API uses, come from swift-system.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: examples.map { name in
        .executableTarget(
            name: name,
            dependencies: [
                .product(name: "EventSelect", package: "EventSelect"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        )
    }
)
