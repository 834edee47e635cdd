// The C peer baselines (Benchmarks/peers/, written separately): build, run, read their JSON lines.
// The only coupling is the schema (ResultJSON.swift).
import Glibc

/// The standalone C raw-epoll EPOLLONESHOT ping-pong (Benchmarks/peers/epoll-oneshot.c: read,
/// epoll_ctl MOD, write, epoll_wait), run as its own process between EventSelect's W1 batches so
/// that both are measured under the same machine load. Built with gcc on first use if missing.
enum RawOneshot {
    struct Run {
        var nsPerOp: Double
        var syscallsPerOp: Double?
        /// The peer's CPU time per op (CLOCK_THREAD_CPUTIME_ID), when it reports it.
        var cpuNsPerOp: Double?
    }

    nonisolated(unsafe) private static var unavailable = false

    /// The peers' directory: under the working directory (scripts/bench.sh runs from the root).
    private static var directory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "Benchmarks/peers" }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return cwd + "/Benchmarks/peers"
    }

    /// One run of the peer's W1 (20 batches of `count` round trips, median), or nil if it cannot run.
    static func run(_ transport: Transport, quick: Bool) -> Run? {
        let count = quick ? "300" : (transport == .tcp ? "500" : "1000")
        return run(["W1", transport.rawValue, count])
    }

    /// One run of the peer with `arguments` (its CLI: workload, transport, count, iterations).
    static func run(_ arguments: [String]) -> Run? {
        if unavailable { return nil }
        let dir = directory
        let binary = dir + "/bin/epoll-oneshot"
        if access(binary, X_OK) != 0 {
            guard access(dir + "/epoll-oneshot.c", R_OK) == 0,
                mkdir(dir + "/bin", 0o755) == 0 || errno == EEXIST,
                Command.runBlocking(["gcc", "-O2", "-o", binary, dir + "/epoll-oneshot.c"], timeoutSeconds: 60)?.status
                    == 0
            else {
                progress(
                    "    raw epoll ONESHOT peer unavailable (no \(binary), gcc failed): W1 ratios use the peers' run")
                unavailable = true
                return nil
            }
        }
        guard let (status, lines) = Command.runBlocking([binary] + arguments, timeoutSeconds: 60), status == 0,
            let found = lines.compactMap(PeerResults.parse).last
        else { return nil }
        return Run(
            nsPerOp: found.nsPerOp, syscallsPerOp: found.extraValue("syscalls_per_op"),
            cpuNsPerOp: found.extraValue("cpu_ns_per_op"))
    }
}

enum PeerResults {
    /// One result line (ResultJSON.swift); nil for anything else.
    static func parse(_ line: String) -> BenchResult? { BenchResult.parse(line) }

    /// Builds and runs the peers; returns their results and notes for the report.
    static func run(_ options: Options) async -> (results: [BenchResult], notes: [String]) {
        var notes: [String] = []
        let dir = options.root + "/Benchmarks/peers"
        let build = dir + "/build.sh"
        let runAll = dir + "/run-all.sh"
        guard access(runAll, F_OK) == 0 else {
            let message = "peer baselines skipped: \(runAll) not found"
            progress("== \(message)")
            notes.append(message)
            return ([], notes)
        }
        let env = options.quick ? ["BENCH_QUICK": "1"] : [:]
        if access(build, F_OK) == 0 {
            progress("== building peers: \(build) (timeout \(options.peerBuildTimeout) s)")
            do {
                let status = try await Command.run(
                    ["bash", build], extraEnv: env, directory: dir,
                    timeoutSeconds: options.peerBuildTimeout
                ) { progress("    " + $0) }
                if status != 0 {
                    let message =
                        "peer build (\(build)) exited with \(status)\(status == 124 ? " (timed out)" : ""); peers skipped"
                    progress("    " + message)
                    notes.append(message)
                    return ([], notes)
                }
            } catch {
                notes.append("peer build failed to start: \(error)")
                return ([], notes)
            }
        } else {
            notes.append("no \(build); running run-all.sh as it is")
        }
        progress("== running peers: \(runAll) (timeout \(options.peerRunTimeout) s)")
        var found: [BenchResult] = []
        do {
            let status = try await Command.run(
                ["bash", runAll], extraEnv: env, directory: dir,
                timeoutSeconds: options.peerRunTimeout
            ) { line in
                if let result = BenchResult.parse(line) {
                    found.append(result)
                    progress(
                        "    \(result.peer) \(result.workload) \(result.transport) \(result.connections): \(Int(result.nsPerOp)) ns/op"
                    )
                } else if !line.isEmpty {
                    progress("    " + line)
                }
            }
            if status != 0 {
                let message =
                    "peer run (\(runAll)) exited with \(status)\(status == 124 ? " (timed out after \(options.peerRunTimeout) s)" : ""); \(found.count) results kept"
                progress("    " + message)
                notes.append(message)
            }
        } catch {
            notes.append("peer run failed to start: \(error)")
        }
        return (found, notes)
    }
}
