// eventselect-bench: measures EventSelect (epoll and io_uring backends, event objects and message
// queues) on workloads W1-W4, runs the C peer baselines in Benchmarks/peers/, merges everything
// and writes BENCHMARKS.md. See `eventselect-bench --help`.
import EventSelect
import EventSelectTools
import Glibc
import SystemPackage

func makeNotifier(_ backend: NotifierBackend) -> (Notifier?, String?) {
    do {
        return (try Notifier(backend: backend), nil)
    } catch {
        return (nil, "\(error)")
    }
}

/// W4 runs in a child process (a fresh heap for the RSS figures, its own raised fd limit):
/// `eventselect-bench --w4-child BACKEND MODE IDLE|max quick|full` prints one JSON line.
func w4Child(_ args: [String]) -> Never {
    guard args.count == 4, let config = Config.parse(backend: args[0], mode: args[1]) else {
        progress("usage: --w4-child epoll|io_uring event|message COUNT|max quick|full")
        exit(2)
    }
    let budget = args[3] == "quick" ? Budget.quick : Budget.full
    do {
        let notifier = try Notifier(backend: config.backend)
        let result = try runW4(config, notifier, idle: args[2] == "max" ? nil : Int(args[2]), budget)
        output(result.json)
        exit(0)
    } catch {
        progress("W4 child (\(config.name), \(args[2])): \(error)")
        output("ERROR: \(error)")
        exit(1)
    }
}

func selfExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return n > 0
        ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
}

// MARK: main

if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "--w4-child" {
    w4Child(Array(CommandLine.arguments.dropFirst(2)))
}

let options = BenchCommand.parseOrExit().options(arguments: Array(CommandLine.arguments.dropFirst()))

// EventSelect keeps its cross-process registry in a shared mapping (a file of
// /dev/shm/eventselect-<euid>, one per user by default). Slots of sockets whose process exited
// without closing them stay taken until reclaimed, and the W4 children exit with ~20,000 selected sockets: on the default table every run would leak that
// many slots (until ENOBUFS) and would share the table with whatever else runs. So the runner and
// each W4 child use a private table, removed afterwards. An EVENTSELECT_REGISTRY given by the
// caller is respected for the runner itself.
let registryName: String? = getenv("EVENTSELECT_REGISTRY") == nil ? "/eventselect-bench-\(getpid())" : nil
if let registryName { setenv("EVENTSELECT_REGISTRY", registryName, 1) }
func removeRegistry(_ name: String) {
    // The registry is a file of the per-user directory (README: files and environment variables).
    let directory = getenv("EVENTSELECT_DIR").map { String(cString: $0) } ?? "/dev/shm/eventselect-\(geteuid())"
    if unlink(directory + name) != 0 && errno != ENOENT {
        progress("cannot remove \(directory)\(name): \(String(cString: strerror(errno)))")
    }
}
let budget = options.quick ? Budget.quick : Budget.full
let started = Clock.now()
let loadAtStart = (Machine.readFile("/proc/loadavg") ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
var results: [BenchResult] = []
var notes: [String] = []
func wants(_ workload: String) -> Bool { options.only.isEmpty || options.only.contains(workload) }

@MainActor
func record(_ result: BenchResult) {
    results.append(result)
    output(result.json)
}

@MainActor
func attempt(_ config: Config, _ what: String, _ body: () throws -> BenchResult) {
    let t0 = Clock.now()
    do {
        let result = try body()
        record(result)
        let value =
            result.workload == "W2" || result.workload == "W3"
            ? "\(Int(result.opsPerS)) ops/s" : "\(Int(result.nsPerOp)) ns/round trip"
        progress("    \(what): \(value)  (\((Clock.now() - t0) / 1_000_000) ms)")
    } catch {
        progress("    \(what): FAILED: \(error)")
        notes.append("\(config.label), \(what) failed: \(error)")
    }
}

progress(
    "eventselect-bench: \(options.quick ? "quick" : "full") run; \(Machine.cpus()) CPUs, \(Machine.cpuModel()), Linux \(Machine.kernel()); load average \(loadAtStart)"
)
if let load = Double(loadAtStart.split(separator: " ").first ?? ""), load > Double(Machine.cpus()) / 2 {
    progress("WARNING: load average \(load) on \(Machine.cpus()) CPUs: latency figures will be inflated")
    notes.append(
        "load average \(load) on \(Machine.cpus()) CPUs at start: other work was running, latency figures are inflated")
}
var backendsRun: [NotifierBackend] = []
for backend in [NotifierBackend.epoll, .ioUring] {
    let backendName = backend == .ioUring ? "io_uring" : "epoll"
    // A probe, released at once: only one notifier may be alive while measuring, since every
    // EventSelect wait drives every live notifier (an idle one would add a syscall per wait).
    let failure = makeNotifier(backend).1
    guard failure == nil else {
        let message =
            "Notifier(backend: .\(backend == .ioUring ? "ioUring" : "epoll")) throws \(failure ?? "?"): \(backendName) rows skipped"
        progress("== \(message)")
        notes.append(message)
        continue
    }
    backendsRun.append(backend)
    for mode in Mode.allCases {
        let config = Config(backend: backend, mode: mode)
        progress("== \(config.label)")
        // Scoped to this configuration: released before the next one is created.
        guard let notifier = try? Notifier(backend: backend) else { continue }
        if wants("W1") {
            for transport in Transport.allCases {
                progress("  W1 ping-pong, \(transport.rawValue)")
                attempt(config, "W1 \(transport.rawValue)") { try runW1(config, notifier, transport, budget) }
            }
        }
        if wants("W2") {
            for connections in [64, 4096] {
                progress("  W2 fan-in, \(connections) connections")
                attempt(config, "W2 \(connections) connections") {
                    try runW2(config, notifier, connections: connections, budget)
                }
            }
        }
        if wants("W3") {
            progress("  W3 registration churn")
            attempt(config, "W3") { try runW3(config, notifier, budget) }
        }
        _ = notifier
    }
}

if wants("W4") {
    let exe = selfExecutable()
    for backend in backendsRun {
        for mode in Mode.allCases {
            let config = Config(backend: backend, mode: mode)
            for idle in ["10000", "max"] {
                progress(
                    "== W4 idle scaling, \(config.label), \(idle == "max" ? "fd limit" : idle) idle selected sockets (child process)"
                )
                let t0 = Clock.now()
                var got: BenchResult?
                var childError = ""
                let childRegistry = "/eventselect-bench-\(getpid())-w4-\(config.name)-\(idle)"
                defer { removeRegistry(childRegistry) }
                do {
                    let status = try await Command.run(
                        [exe, "--w4-child", config.backendName, mode.rawValue, idle, options.quick ? "quick" : "full"],
                        extraEnv: ["EVENTSELECT_REGISTRY": childRegistry],
                        timeoutSeconds: 120
                    ) { line in
                        if let result = BenchResult.parse(line) { got = result }
                        if line.hasPrefix("ERROR: ") { childError = String(line.dropFirst(7)) }
                    }
                    if let got, status == 0 {
                        var result = got
                        result.extra.append(("fd_limit_run", idle == "max" ? 1 : 0))
                        record(result)
                        progress(
                            "    \(result.connections) idle selected: \(Int(result.nsPerOp)) ns/round trip (same-process baseline \(Int(result.extraValue("baseline_ns_per_op") ?? 0))), \(Int(result.bytesPerSocket ?? 0)) bytes/selected socket  (\((Clock.now() - t0) / 1_000_000) ms)"
                        )
                    } else {
                        notes.append(
                            "\(config.label), W4 with \(idle == "max" ? "fd-limit" : idle) idle sockets failed: \(childError.isEmpty ? "child exited with \(status)" : childError)"
                        )
                        progress("    FAILED: child exited with \(status)")
                    }
                } catch {
                    notes.append("W4 \(config.name) \(idle): \(error)")
                    progress("    FAILED: \(error)")
                }
            }
        }
    }
}
if let registryName { removeRegistry(registryName) }
let ownSeconds = Double(Clock.now() - started) / 1e9

/// The commit measured, and whether library sources differed from it (the build uses the work tree).
func sourceState() async -> String {
    var head = ""
    var dirty: [String] = []
    _ = try? await Command.run(["git", "rev-parse", "--short", "HEAD"], directory: options.root, timeoutSeconds: 10) {
        head = $0
    }
    _ = try? await Command.run(
        ["git", "status", "--porcelain", "--", "Sources/EventSelect", "Sources/CEventSelect", "Package.swift"],
        directory: options.root, timeoutSeconds: 10
    ) { dirty.append($0.trimmed()) }
    guard !head.isEmpty else { return "unknown (not a git work tree)" }
    return dirty.isEmpty
        ? "commit \(head), library sources clean"
        : "commit \(head) plus uncommitted changes to \(dirty.count) library file(s): \(dirty.prefix(12).joined(separator: ", "))"
}
let measuredSource = await sourceState()
progress("EventSelect measurements done in \(Int(ownSeconds)) s")

var peerResults: [BenchResult] = []
if options.runPeers {
    let peers = await PeerResults.run(options)
    peerResults = peers.results
    notes += peers.notes
} else {
    notes.append("peers not run (--no-peers)")
}
for result in peerResults { output(result.json) }

let totalSeconds = Double(Clock.now() - started) / 1e9
let report = Report(
    options: options, results: results, peers: peerResults, notes: notes,
    seconds: totalSeconds, backends: backendsRun, loadAtStart: loadAtStart, sourceState: measuredSource
).markdown()
output(report)
let outputPath = options.output ?? options.root + "/BENCHMARKS.md"
// A run that measured nothing (every configuration failed, peers skipped) must not replace a
// report that has numbers with one that has none.
guard !results.isEmpty || !peerResults.isEmpty else {
    progress("nothing was measured: \(outputPath) left as it was")
    for note in notes { progress("  " + note) }
    exit(1)
}
do {
    try report.withCString { text in
        let fd = try check("open(\(outputPath))", open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644))
        defer { Glibc.close(fd) }
        try Net.writeAll(fd, UnsafeRawBufferPointer(start: text, count: strlen(text)))
    }
    progress("wrote \(outputPath) (\(Int(totalSeconds)) s in all)")
} catch {
    progress("cannot write \(outputPath): \(error)")
    exit(1)
}
