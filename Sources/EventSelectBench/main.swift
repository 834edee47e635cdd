// eventselect-bench: measures EventSelect (epoll and io_uring backends, event objects and message
// queues) on workloads W1-W4, runs the C peer baselines in Benchmarks/peers/, merges everything
// and writes BENCHMARKS.md. See `eventselect-bench --help`.
import EventSelect
import Glibc
import SystemPackage

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

let usage = """
usage: eventselect-bench [--quick] [--no-peers] [--only W1,W2,W3,W4] [--root DIR] [--output FILE]
                         [--peer-build-timeout S] [--peer-run-timeout S]
  Measures EventSelect on W1 (ping-pong latency, unix + tcp), W2 (fan-in, 64 and 4096 connections),
  W3 (registration churn) and W4 (W1 with 10,000 and fd-limit idle selected sockets), for each
  backend (epoll, io_uring) and delivery mode (event objects, message queue); then runs
  Benchmarks/peers/build.sh and run-all.sh (if present), merges the results and writes
  BENCHMARKS.md (default <root>/BENCHMARKS.md). Progress goes to stderr, one JSON line per
  result and the report to stdout.
  --quick   about a minute: fewer, shorter batches (BENCH_QUICK=1 is exported to the peers)
  The peers' build.sh may install Debian packages the first time (wine, mingw, libuv): its
  timeout (default 600 s) is generous so that apt-get is never killed midway.
"""

func parseOptions() -> Options {
    var options = Options()
    let args = Array(CommandLine.arguments.dropFirst())
    var shown: [String] = []
    var skip = false
    for arg in args {
        if skip { skip = false; continue }
        if arg == "--root" { skip = true; continue }
        shown.append(arg)
    }
    options.command = (["scripts/bench.sh"] + shown).joined(separator: " ")
    var i = 0
    func value() -> String {
        i += 1
        guard i < args.count else {
            progress("missing value for \(args[i - 1])\n\(usage)")
            exit(2)
        }
        return args[i]
    }
    while i < args.count {
        switch args[i] {
        case "--quick": options.quick = true
        case "--no-peers": options.runPeers = false
        case "--root": options.root = value()
        case "--output": options.output = value()
        case "--only": options.only = Set(value().uppercased().split(separator: ",").map(String.init))
        case "--peer-build-timeout": options.peerBuildTimeout = Int(value()) ?? options.peerBuildTimeout
        case "--peer-run-timeout": options.peerRunTimeout = Int(value()) ?? options.peerRunTimeout
        case "-h", "--help":
            output(usage)
            exit(0)
        default:
            progress("unknown argument \(args[i])\n\(usage)")
            exit(2)
        }
        i += 1
    }
    if options.quick && options.peerRunTimeout == 150 { options.peerRunTimeout = 100 }
    return options
}

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
    return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
}

// MARK: main

if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "--w4-child" {
    w4Child(Array(CommandLine.arguments.dropFirst(2)))
}

let options = parseOptions()

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
        let value = result.workload == "W2" || result.workload == "W3"
            ? "\(Int(result.opsPerS)) ops/s" : "\(Int(result.nsPerOp)) ns/round trip"
        progress("    \(what): \(value)  (\((Clock.now() - t0) / 1_000_000) ms)")
    } catch {
        progress("    \(what): FAILED: \(error)")
        notes.append("\(config.label), \(what) failed: \(error)")
    }
}

progress("eventselect-bench: \(options.quick ? "quick" : "full") run; \(Machine.cpus()) CPUs, \(Machine.cpuModel()), Linux \(Machine.kernel()); load average \(loadAtStart)")
if let load = Double(loadAtStart.split(separator: " ").first ?? ""), load > Double(Machine.cpus()) / 2 {
    progress("WARNING: load average \(load) on \(Machine.cpus()) CPUs: latency figures will be inflated")
    notes.append("load average \(load) on \(Machine.cpus()) CPUs at start: other work was running, latency figures are inflated")
}
var backendsRun: [NotifierBackend] = []
for backend in [NotifierBackend.epoll, .ioUring] {
    let backendName = backend == .ioUring ? "io_uring" : "epoll"
    // A probe, released at once: only one notifier may be alive while measuring, since every
    // EventSelect wait drives every live notifier (an idle one would add a syscall per wait).
    let failure = makeNotifier(backend).1
    guard failure == nil else {
        let message = "Notifier(backend: .\(backend == .ioUring ? "ioUring" : "epoll")) throws \(failure ?? "?"): \(backendName) rows skipped"
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
                attempt(config, "W2 \(connections) connections") { try runW2(config, notifier, connections: connections, budget) }
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
                progress("== W4 idle scaling, \(config.label), \(idle == "max" ? "fd limit" : idle) idle selected sockets (child process)")
                let t0 = Clock.now()
                var got: BenchResult?
                var childError = ""
                let childRegistry = "/eventselect-bench-\(getpid())-w4-\(config.name)-\(idle)"
                defer { removeRegistry(childRegistry) }
                do {
                    let status = try Subprocess.run(
                        [exe, "--w4-child", config.backendName, mode.rawValue, idle, options.quick ? "quick" : "full"],
                        extraEnv: ["EVENTSELECT_REGISTRY": childRegistry],
                        timeoutSeconds: 120
                    ) { line in
                        if let result = PeerResults.parse(line) { got = result }
                        if line.hasPrefix("ERROR: ") { childError = String(line.dropFirst(7)) }
                    }
                    if let got, status == 0 {
                        var result = got
                        result.extra.append(("fd_limit_run", idle == "max" ? 1 : 0))
                        record(result)
                        progress("    \(result.connections) idle selected: \(Int(result.nsPerOp)) ns/round trip (same-process baseline \(Int(result.extraValue("baseline_ns_per_op") ?? 0))), \(Int(result.bytesPerSocket ?? 0)) bytes/selected socket  (\((Clock.now() - t0) / 1_000_000) ms)")
                    } else {
                        notes.append("\(config.label), W4 with \(idle == "max" ? "fd-limit" : idle) idle sockets failed: \(childError.isEmpty ? "child exited with \(status)" : childError)")
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
func sourceState() -> String {
    var head = ""
    var dirty: [String] = []
    _ = try? Subprocess.run(["git", "rev-parse", "--short", "HEAD"], directory: options.root, timeoutSeconds: 10) { head = $0 }
    _ = try? Subprocess.run(["git", "status", "--porcelain", "--", "Sources/EventSelect", "Sources/CEventSelect", "Package.swift"],
                            directory: options.root, timeoutSeconds: 10) { dirty.append($0.trimmed()) }
    guard !head.isEmpty else { return "unknown (not a git work tree)" }
    return dirty.isEmpty ? "commit \(head), library sources clean"
        : "commit \(head) plus uncommitted changes to \(dirty.count) library file(s): \(dirty.prefix(12).joined(separator: ", "))"
}
let measuredSource = sourceState()
progress("EventSelect measurements done in \(Int(ownSeconds)) s")

var peerResults: [BenchResult] = []
if options.runPeers {
    peerResults = PeerResults.run(options, notes: &notes)
} else {
    notes.append("peers not run (--no-peers)")
}
for result in peerResults { output(result.json) }

let totalSeconds = Double(Clock.now() - started) / 1e9
let report = Report(options: options, results: results, peers: peerResults, notes: notes,
                    seconds: totalSeconds, backends: backendsRun, loadAtStart: loadAtStart, sourceState: measuredSource).markdown()
output(report)
let outputPath = options.output ?? options.root + "/BENCHMARKS.md"
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
