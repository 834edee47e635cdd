// eventselect-bench's command line (swift-argument-parser): typos and bad values are errors with
// the usage, before anything is measured or written.
import ArgumentParser
import Glibc

/// What the run was asked for, as the rest of the runner reads it.
struct Options {
    var quick = false
    var runPeers = true
    var root = "."
    var output: String? = nil  // default: <root>/BENCHMARKS.md
    var peerBuildTimeout = 600
    var peerRunTimeout = 150
    var only: Set<String> = []  // workloads to run; empty = all
    var command = ""
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventselect-bench",
        abstract: "Measures EventSelect, runs the C peer baselines and writes BENCHMARKS.md.",
        discussion: """
            Measures EventSelect on W1 (ping-pong latency, unix + tcp), W2 (fan-in, 64 and 4096 \
            connections), W3 (registration churn) and W4 (W1 with 10,000 and fd-limit idle selected \
            sockets), for each backend (epoll, io_uring) and delivery mode (event objects, message queue); \
            then runs Benchmarks/peers/build.sh and run-all.sh (if present), merges the results and writes \
            BENCHMARKS.md. Progress goes to stderr, one JSON line per result and the report to stdout. \
            The peers' build.sh may install Debian packages the first time (wine, mingw, libuv): its \
            timeout is generous so that apt-get is never killed midway.
            """
    )

    static let workloads = ["W1", "W2", "W3", "W4"]

    @Flag(help: "About a minute: fewer, shorter batches (BENCH_QUICK=1 is exported to the peers).")
    var quick = false

    @Flag(help: "Skip the C peer baselines.")
    var noPeers = false

    @Option(help: "Workloads to run, comma-separated, from W1, W2, W3, W4 (default: all).")
    var only: String?

    @Option(help: "The repository root (Benchmarks/peers is looked for there).")
    var root = "."

    @Option(help: "Where to write the report (default: <root>/BENCHMARKS.md).")
    var output: String?

    @Option(help: "Seconds the peers' build.sh may take.")
    var peerBuildTimeout = 600

    @Option(help: "Seconds the peers' run-all.sh may take (default 150; 100 with --quick).")
    var peerRunTimeout: Int?

    /// The workloads `--only` names, upper-cased; empty for all.
    var selected: Set<String> {
        Set((only ?? "").uppercased().split(separator: ",").map { $0.trimmingCharacters() })
    }

    func validate() throws {
        if only != nil {
            let unknown = selected.subtracting(Self.workloads).sorted()
            guard unknown.isEmpty, !selected.isEmpty else {
                throw ValidationError(
                    "--only takes workloads from \(Self.workloads.joined(separator: ", ")); got '\(only ?? "")'")
            }
        }
        guard peerBuildTimeout > 0 else {
            throw ValidationError("--peer-build-timeout must be positive, got \(peerBuildTimeout)")
        }
        if let peerRunTimeout, peerRunTimeout <= 0 {
            throw ValidationError("--peer-run-timeout must be positive, got \(peerRunTimeout)")
        }
        var info = stat()
        guard stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ValidationError("--root: '\(root)' is not a directory")
        }
    }

    /// The options, with the command line as the report shows it (`scripts/bench.sh` plus the
    /// arguments, without `--root`, which the script adds).
    func options(arguments: [String]) -> Options {
        var shown: [String] = []
        var skip = false
        for argument in arguments {
            if skip {
                skip = false
                continue
            }
            if argument == "--root" {
                skip = true
                continue
            }
            if argument.hasPrefix("--root=") { continue }
            shown.append(argument)
        }
        return Options(
            quick: quick, runPeers: !noPeers, root: root, output: output, peerBuildTimeout: peerBuildTimeout,
            peerRunTimeout: peerRunTimeout ?? (quick ? 100 : 150), only: selected,
            command: (["scripts/bench.sh"] + shown).joined(separator: " "))
    }
}
