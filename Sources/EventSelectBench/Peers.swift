// The C peer baselines (Benchmarks/peers/, written separately): build, run, read their JSON lines.
// The only coupling is the schema (ResultJSON.swift).
import Glibc

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
                let status = try await Command.run(["bash", build], extraEnv: env, directory: dir,
                                                timeoutSeconds: options.peerBuildTimeout) { progress("    " + $0) }
                if status != 0 {
                    let message = "peer build (\(build)) exited with \(status)\(status == 124 ? " (timed out)" : ""); peers skipped"
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
            let status = try await Command.run(["bash", runAll], extraEnv: env, directory: dir,
                                            timeoutSeconds: options.peerRunTimeout) { line in
                if let result = BenchResult.parse(line) {
                    found.append(result)
                    progress("    \(result.peer) \(result.workload) \(result.transport) \(result.connections): \(Int(result.nsPerOp)) ns/op")
                } else if !line.isEmpty {
                    progress("    " + line)
                }
            }
            if status != 0 {
                let message = "peer run (\(runAll)) exited with \(status)\(status == 124 ? " (timed out after \(options.peerRunTimeout) s)" : ""); \(found.count) results kept"
                progress("    " + message)
                notes.append(message)
            }
        } catch {
            notes.append("peer run failed to start: \(error)")
        }
        return (found, notes)
    }
}
