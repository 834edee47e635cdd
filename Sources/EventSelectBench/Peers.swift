// The C peer baselines (Benchmarks/peers/, written separately): build, run, parse their JSON lines.
// The only coupling is the schema: one flat JSON object per line with peer, workload, transport,
// connections, ns_per_op, ops_per_s, bytes_per_socket, iterations.
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
                (try? Subprocess.run(["mkdir", "-p", dir + "/bin"], timeoutSeconds: 10) { _ in }) == 0,
                (try? Subprocess.run(["gcc", "-O2", "-o", binary, dir + "/epoll-oneshot.c"], timeoutSeconds: 60) { progress("    " + $0) }) == 0
            else {
                progress("    raw epoll ONESHOT peer unavailable (no \(binary), gcc failed): W1 ratios use the peers' run")
                unavailable = true
                return nil
            }
        }
        var found: BenchResult?
        let status = try? Subprocess.run([binary] + arguments, timeoutSeconds: 60) { line in
            if let result = PeerResults.parse(line) { found = result }
        }
        guard status == 0, let found else { return nil }
        return Run(nsPerOp: found.nsPerOp, syscallsPerOp: found.extraValue("syscalls_per_op"),
                   cpuNsPerOp: found.extraValue("cpu_ns_per_op"))
    }
}

enum PeerResults {
    /// Parses one result line; nil for anything that is not a result object.
    static func parse(_ line: String) -> BenchResult? {
        let text = line.trimmed()
        guard text.hasPrefix("{"), text.hasSuffix("}") else { return nil }
        guard let fields = parseFlatObject(Array(text.utf8)) else { return nil }
        func number(_ key: String) -> Double? {
            if case .number(let v)? = fields[key] { return v }
            return nil
        }
        func string(_ key: String) -> String? {
            if case .string(let v)? = fields[key] { return v }
            return nil
        }
        guard let peer = string("peer"), let workload = string("workload"), let ns = number("ns_per_op") else { return nil }
        var result = BenchResult(peer: peer, workload: workload, transport: string("transport") ?? "unix",
                                 connections: Int(number("connections") ?? 0), nsPerOp: ns,
                                 opsPerS: number("ops_per_s") ?? 1e9 / ns, bytesPerSocket: number("bytes_per_socket"),
                                 iterations: Int(number("iterations") ?? 0))
        let known: Set<String> = ["peer", "workload", "transport", "connections", "ns_per_op", "ops_per_s",
                                  "bytes_per_socket", "iterations"]
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where !known.contains(key) {
            if case .number(let v) = value { result.extra.append((key, v)) }
        }
        return result
    }

    enum Value { case string(String), number(Double), null, other }

    /// A small parser for one flat JSON object (string, number, true/false/null values).
    static func parseFlatObject(_ bytes: [UInt8]) -> [String: Value]? {
        var i = 0
        func skipSpace() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        func parseString() -> String? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var out = [UInt8]()
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count { i += 1 }
                out.append(bytes[i])
                i += 1
            }
            guard i < bytes.count else { return nil }
            i += 1
            return String(decoding: out, as: UTF8.self)
        }
        var fields: [String: Value] = [:]
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var guardCount = 0
        while i < bytes.count {
            guardCount += 1
            if guardCount > 1000 { return nil }
            skipSpace()
            if bytes[i] == UInt8(ascii: "}") { return fields }
            guard let key = parseString() else { return nil }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "\"") {
                guard let s = parseString() else { return nil }
                fields[key] = .string(s)
            } else {
                let start = i
                while i < bytes.count, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "}") { i += 1 }
                let token = String(decoding: bytes[start..<i], as: UTF8.self).trimmed()
                if token == "null" { fields[key] = .null }
                else if let v = Double(token) { fields[key] = .number(v) }
                else { fields[key] = .other }
            }
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1 }
        }
        return nil
    }

    static func run(_ options: Options, notes: inout [String]) -> [BenchResult] {
        let dir = options.root + "/Benchmarks/peers"
        let build = dir + "/build.sh"
        let runAll = dir + "/run-all.sh"
        guard access(runAll, F_OK) == 0 else {
            let message = "peer baselines skipped: \(runAll) not found"
            progress("== \(message)")
            notes.append(message)
            return []
        }
        let env = options.quick ? ["BENCH_QUICK": "1"] : [:]
        if access(build, F_OK) == 0 {
            progress("== building peers: \(build) (timeout \(options.peerBuildTimeout) s)")
            do {
                let status = try Subprocess.run(["bash", build], extraEnv: env, directory: dir,
                                                timeoutSeconds: options.peerBuildTimeout) { progress("    " + $0) }
                if status != 0 {
                    let message = "peer build (\(build)) exited with \(status)\(status == 124 ? " (timed out)" : ""); peers skipped"
                    progress("    " + message)
                    notes.append(message)
                    return []
                }
            } catch {
                notes.append("peer build failed to start: \(error)")
                return []
            }
        } else {
            notes.append("no \(build); running run-all.sh as it is")
        }
        progress("== running peers: \(runAll) (timeout \(options.peerRunTimeout) s)")
        var found: [BenchResult] = []
        do {
            let status = try Subprocess.run(["bash", runAll], extraEnv: env, directory: dir,
                                            timeoutSeconds: options.peerRunTimeout) { line in
                if let result = parse(line) {
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
        return found
    }
}
