// The four workloads, for one EventSelect configuration (backend x delivery mode).
// Set-up (socket creation, selection, the writes of W2) stays outside the timed regions.
import CBenchCounters
import EventSelect
import EventSelectTools
import Glibc
import SystemPackage

/// This thread's system calls (perf_event_open on raw_syscalls:sys_enter), when the kernel allows
/// it (tracefs and root or a permissive perf_event_paranoid); nil otherwise.
enum SyscallCounter {
    nonisolated(unsafe) private static var fd: CInt = -2

    static func read() -> Int64? {
        if fd == -2 { fd = csc_syscall_counter_open() }
        guard fd >= 0 else { return nil }
        let value = csc_counter_read(fd)
        return value >= 0 ? value : nil
    }

    /// Runs `body` and returns the syscalls it made divided by `ops` (nil when not countable).
    static func perOp(_ ops: Int, _ body: () throws -> Void) rethrows -> Double? {
        let before = read()
        try body()
        guard let before, let after = read(), ops > 0 else { return nil }
        // The two reads themselves: one read(2) each side of the body counts once.
        return Double(after - before - 1) / Double(ops)
    }
}

enum Mode: String, CaseIterable {
    case event  // eventSelect + SocketEvent.waitAny + enumNetworkEvents + receive/send
    case message  // asyncSelect + MessageQueue.next + receive/send
}

struct Config {
    let backend: NotifierBackend
    let mode: Mode

    var backendName: String { backend == .ioUring ? "io_uring" : "epoll" }
    /// The `peer` field of the result rows.
    var name: String { "eventselect-\(backend == .ioUring ? "uring" : "epoll")-\(mode.rawValue)" }
    var label: String { "EventSelect \(backendName), \(mode == .event ? "event objects" : "message queue")" }

    static func parse(backend: String, mode: String) -> Config? {
        let b: NotifierBackend
        switch backend {
        case "epoll": b = .epoll
        case "io_uring", "uring": b = .ioUring
        default: return nil
        }
        guard let m = Mode(rawValue: mode) else { return nil }
        return Config(backend: b, mode: m)
    }
}

/// How long to measure.
struct Budget {
    var batches: Int
    var batchNanoseconds: Int64
    var warmupNanoseconds: Int64

    static let full = Budget(batches: 21, batchNanoseconds: 20_000_000, warmupNanoseconds: 150_000_000)
    static let quick = Budget(batches: 11, batchNanoseconds: 8_000_000, warmupNanoseconds: 60_000_000)
}

/// One result row, in the peers' schema (plus `extra` fields that only EventSelect reports).
struct BenchResult {
    var peer: String
    var workload: String
    var transport: String
    var connections: Int
    var nsPerOp: Double
    var opsPerS: Double
    var bytesPerSocket: Double?
    var iterations: Int
    var extra: [(String, Double)] = []

    func extraValue(_ key: String) -> Double? { extra.first { $0.0 == key }?.1 }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

let waitLimit: Duration = .seconds(5)

/// Times `body(count)` in batches: a warm-up, a calibration of the batch size to
/// `budget.batchNanoseconds`, then `budget.batches` batches. Returns ns per op of each batch and
/// the total number of timed ops.
func timeBatches(_ budget: Budget, _ body: (Int) throws -> Void) throws -> (perBatch: [Double], ops: Int) {
    let measured = try timeBatchesSized(budget, body)
    return (measured.perBatch, measured.ops)
}

/// This thread's CPU time (user + system), in nanoseconds. A single-threaded ping-pong never sleeps
/// (the data is always there when it waits), so on an idle machine its CPU time per op equals its
/// latency; on a loaded one it leaves out the time other work had the CPU.
@inline(__always)
func threadCPUNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// `timeBatches`, plus the syscalls per op over one extra, untimed batch of the same size (counted
/// apart so that reading the counter never sits inside a timed region).
func timeBatchesCounting(_ budget: Budget, _ body: (Int) throws -> Void) throws
    -> (perBatch: [Double], ops: Int, syscallsPerOp: Double?)
{
    let measured = try timeBatchesCPU(budget, body)
    return (measured.perBatch, measured.ops, measured.syscallsPerOp)
}

/// `timeBatchesCounting`, plus this thread's CPU time per op of each batch.
func timeBatchesCPU(_ budget: Budget, _ body: (Int) throws -> Void) throws
    -> (perBatch: [Double], cpuPerBatch: [Double], ops: Int, syscallsPerOp: Double?)
{
    let measured = try timeBatchesSized(budget, body)
    let syscalls = try SyscallCounter.perOp(measured.batch) { try body(measured.batch) }
    return (measured.perBatch, measured.cpuPerBatch, measured.ops, syscalls)
}

private func timeBatchesSized(_ budget: Budget, _ body: (Int) throws -> Void) throws
    -> (perBatch: [Double], cpuPerBatch: [Double], ops: Int, batch: Int)
{
    // Warm-up: at least 200 ops, and at least warmupNanoseconds.
    let warmupEnd = Clock.now() + budget.warmupNanoseconds
    try body(200)
    var rounds = 0
    while Clock.now() < warmupEnd && rounds < 100_000 {
        try body(100)
        rounds += 1
    }
    // Calibration.
    var count = 64
    var elapsed: Int64 = 0
    for _ in 0..<30 {
        let t0 = Clock.now()
        try body(count)
        elapsed = Clock.now() - t0
        if elapsed >= budget.batchNanoseconds / 4 { break }
        count *= 2
    }
    let batch = max(16, Int(Double(count) * Double(budget.batchNanoseconds) / Double(max(elapsed, 1))))
    var results: [Double] = []
    var cpu: [Double] = []
    results.reserveCapacity(budget.batches)
    cpu.reserveCapacity(budget.batches)
    for _ in 0..<budget.batches {
        let c0 = threadCPUNanoseconds()
        let t0 = Clock.now()
        try body(batch)
        let t1 = Clock.now()
        let c1 = threadCPUNanoseconds()
        results.append(Double(t1 - t0) / Double(batch))
        cpu.append(Double(c1 - c0) / Double(batch))
    }
    return (results, cpu, batch * budget.batches, batch)
}

// MARK: W1 ping-pong

/// Two connected sockets, both selected for FD_READ, bouncing one byte (one thread).
final class PingPong {
    let notifier: Notifier
    let mode: Mode
    let a: FileDescriptor
    let b: FileDescriptor
    let eventA: SocketEvent
    let eventB: SocketEvent
    let waitA: [SocketEvent]
    let waitB: [SocketEvent]
    let queue: MessageQueue
    static let message: UInt32 = 0x0401  // WM_USER + 1

    init(_ notifier: Notifier, _ mode: Mode, _ pair: SocketPair, queue: MessageQueue? = nil) throws {
        self.notifier = notifier
        self.mode = mode
        a = pair.a
        b = pair.b
        eventA = try SocketEvent()
        eventB = try SocketEvent()
        waitA = [eventA]
        waitB = [eventB]
        self.queue = try queue ?? MessageQueue()
        switch mode {
        case .event:
            try notifier.eventSelect(a, eventA, [.read])
            try notifier.eventSelect(b, eventB, [.read])
        case .message:
            try notifier.asyncSelect(a, self.queue, message: PingPong.message, [.read])
            try notifier.asyncSelect(b, self.queue, message: PingPong.message, [.read])
        }
    }

    func close() throws {
        try notifier.close(a)
        try notifier.close(b)
    }

    /// `count` round trips: send on A, wait for B, receive on B, send on B, wait for A, receive on A.
    func run(_ count: Int) throws {
        // One byte is bounced; it is received into a 64-byte buffer, as a real program would (and as
        // the peers do). With a buffer exactly the message's size, every receive fills it, and rule
        // 10 then costs a level check (poll) to learn whether data is left.
        var byte: UInt8 = 0x42
        var inbox = [UInt8](repeating: 0, count: 64)
        try withUnsafeBytes(of: &byte) { out in
            try inbox.withUnsafeMutableBytes { buffer in
                switch mode {
                case .event:
                    for _ in 0..<count {
                        try step(from: a, to: b, event: eventB, wait: waitB, out, buffer)
                        try step(from: b, to: a, event: eventA, wait: waitA, out, buffer)
                    }
                case .message:
                    for _ in 0..<count {
                        try stepMessage(from: a, to: b, out, buffer)
                        try stepMessage(from: b, to: a, out, buffer)
                    }
                }
            }
        }
    }

    @inline(__always)
    private func step(
        from: FileDescriptor, to: FileDescriptor, event: SocketEvent, wait: [SocketEvent],
        _ out: UnsafeRawBufferPointer, _ buffer: UnsafeMutableRawBufferPointer
    ) throws {
        guard try notifier.send(from, out, flags: 0) == 1 else { throw BenchError("W1: short send") }
        guard try SocketEvent.waitAny(wait, timeout: waitLimit) == 0 else { throw BenchError("W1: wait timed out") }
        let record = try notifier.enumNetworkEvents(to, resetting: event)
        guard record.events.contains(.read) else { throw BenchError("W1: event set without FD_READ: \(record.events)") }
        guard try notifier.receive(to, into: buffer, flags: 0) == 1 else { throw BenchError("W1: short receive") }
    }

    @inline(__always)
    private func stepMessage(
        from: FileDescriptor, to: FileDescriptor,
        _ out: UnsafeRawBufferPointer, _ buffer: UnsafeMutableRawBufferPointer
    ) throws {
        guard try notifier.send(from, out, flags: 0) == 1 else { throw BenchError("W1: short send") }
        guard let message = try queue.next(timeout: waitLimit) else { throw BenchError("W1: next timed out") }
        guard message.socket == to, message.event == .read else {
            throw BenchError("W1: unexpected message \(message.event) for fd \(message.socket.rawValue)")
        }
        guard try notifier.receive(to, into: buffer, flags: 0) == 1 else { throw BenchError("W1: short receive") }
    }
}

/// W1 interleaved with the standalone C raw-epoll ONESHOT peer (Benchmarks/peers/epoll-oneshot.c):
/// `rounds` times, one short peer run, then a few of EventSelect's batches. On a shared machine the
/// load drifts over a run; each round's pair sees the same load, and the reported ratio is the
/// median over the rounds of (EventSelect's median in the round / the peer's figure in the round).
func runW1(_ config: Config, _ notifier: Notifier, _ transport: Transport, _ budget: Budget) throws -> BenchResult {
    let pingPong = try PingPong(notifier, config.mode, try Net.pair(transport))
    defer { try? pingPong.close() }
    let quick = budget.batches < Budget.full.batches
    let rounds = quick ? 4 : 7
    var perBatch: [Double] = []
    var ops = 0
    var syscalls: Double?
    var raw: [RawOneshot.Run] = []
    var ratios: [Double] = []
    var wallRatios: [Double] = []
    var cpuPerBatch: [Double] = []
    for round in 0..<rounds {
        let run = RawOneshot.run(["W1", transport.rawValue, transport == .tcp ? "150" : "300"])
        if let run { raw.append(run) }
        var slice = budget
        slice.batches = max(3, budget.batches / rounds)
        if round > 0 { slice.warmupNanoseconds = min(budget.warmupNanoseconds, 20_000_000) }
        let (batches, cpu, count, perOp) = try timeBatchesCPU(slice, pingPong.run)
        perBatch += batches
        cpuPerBatch += cpu
        ops += count
        syscalls = syscalls ?? perOp
        if let run {
            wallRatios.append(median(batches) / run.nsPerOp)
            ratios.append(run.cpuNsPerOp.map { median(cpu) / $0 } ?? median(batches) / run.nsPerOp)
        }
    }
    let ns = median(perBatch)
    var extra: [(String, Double)] = [("min_ns_per_op", perBatch.min() ?? .nan), ("cpu_ns_per_op", median(cpuPerBatch))]
    if let syscalls { extra.append(("syscalls_per_op", syscalls)) }
    if !raw.isEmpty {
        let rawNs = median(raw.map(\.nsPerOp))
        extra.append(("raw_oneshot_interleaved_ns", rawNs))
        let rawCPU = raw.compactMap(\.cpuNsPerOp)
        if !rawCPU.isEmpty { extra.append(("raw_oneshot_interleaved_cpu_ns", median(rawCPU))) }
        extra.append(("ratio_interleaved", median(ratios)))
        extra.append(("ratio_interleaved_wall", median(wallRatios)))
        if let rawSyscalls = raw.compactMap(\.syscallsPerOp).first {
            extra.append(("raw_oneshot_syscalls_per_op", rawSyscalls))
        }
    }
    return BenchResult(
        peer: config.name, workload: "W1", transport: transport.rawValue, connections: 1,
        nsPerOp: ns, opsPerS: 1e9 / ns, bytesPerSocket: nil, iterations: ops, extra: extra)
}

// MARK: W2 fan-in

/// `connections` socketpairs; the server ends are selected for FD_READ to ONE shared SocketEvent
/// (event mode) or one MessageQueue (message mode). A batch: one 64-byte message written (plain
/// write, untimed) on every client end; then, timed, the server waits and serves until it has read
/// every message.
///
/// Event mode with one shared event: after each waitAny the server resets the event, then calls
/// enumNetworkEvents on every socket it has not drained yet in this batch (Winsock gives no other
/// way to learn which sockets a shared event stands for), and receives where FD_READ is recorded.
func runW2(_ config: Config, _ notifier: Notifier, connections: Int, _ budget: Budget) throws -> BenchResult {
    let messageSize = 64
    var clients: [CInt] = []
    var servers: [FileDescriptor] = []
    clients.reserveCapacity(connections)
    servers.reserveCapacity(connections)
    defer {
        for c in clients { Glibc.close(c) }
        for s in servers { try? notifier.close(s) }
    }
    for _ in 0..<connections {
        let pair = try Net.unixPair()
        clients.append(pair.a.rawValue)
        servers.append(pair.b)
    }
    var indexByFD = [Int](repeating: -1, count: Int(servers.map(\.rawValue).max() ?? 0) + 1)
    for (i, s) in servers.enumerated() { indexByFD[Int(s.rawValue)] = i }
    let event = try SocketEvent()
    let waitList = [event]
    let queue = try MessageQueue()
    for s in servers {
        switch config.mode {
        case .event: try notifier.eventSelect(s, event, [.read])
        case .message: try notifier.asyncSelect(s, queue, message: 0x0402, [.read])
        }
    }
    let payload = [UInt8](repeating: 0x6d, count: messageSize)
    var buffer = [UInt8](repeating: 0, count: 4096)
    var received = [Int](repeating: 0, count: connections)
    var undrained = [Int](repeating: 0, count: connections)
    var scratch = [Int](repeating: 0, count: connections)
    var enumCalls = 0
    var waits = 0

    func writeAll() throws {
        try payload.withUnsafeBytes { bytes in
            for c in clients { try Net.writeAll(c, bytes) }
        }
    }

    func serve() throws {
        for i in 0..<connections { received[i] = 0 }
        var remaining = connections
        let maxWaits = connections * 4 + 1_000
        var localWaits = 0
        try buffer.withUnsafeMutableBytes { buf in
            switch config.mode {
            case .event:
                var undrainedCount = connections
                for i in 0..<connections { undrained[i] = i }
                while remaining > 0 {
                    localWaits += 1
                    guard localWaits <= maxWaits else { throw BenchError("W2: too many waits") }
                    guard try SocketEvent.waitAny(waitList, timeout: waitLimit) == 0 else {
                        throw BenchError("W2: wait timed out with \(remaining) sockets left")
                    }
                    event.reset()
                    var kept = 0
                    for k in 0..<undrainedCount {
                        let i = undrained[k]
                        let record = try notifier.enumNetworkEvents(servers[i], resetting: nil)
                        enumCalls += 1
                        if record.events.contains(.read) {
                            do {
                                let n = try notifier.receive(servers[i], into: buf, flags: 0)
                                guard n > 0 else { throw BenchError("W2: peer closed") }
                                received[i] += n
                            } catch Errno.wouldBlock {}
                        }
                        if received[i] >= messageSize {
                            remaining -= 1
                        } else {
                            scratch[kept] = i
                            kept += 1
                        }
                    }
                    swap(&undrained, &scratch)
                    undrainedCount = kept
                }
            case .message:
                while remaining > 0 {
                    localWaits += 1
                    guard localWaits <= maxWaits else { throw BenchError("W2: too many messages") }
                    guard let message = try queue.next(timeout: waitLimit) else {
                        throw BenchError("W2: next timed out with \(remaining) sockets left")
                    }
                    guard message.event == .read else { continue }
                    let i = indexByFD[Int(message.socket.rawValue)]
                    guard i >= 0 else { throw BenchError("W2: message for unknown fd") }
                    do {
                        let n = try notifier.receive(message.socket, into: buf, flags: 0)
                        guard n > 0 else { throw BenchError("W2: peer closed") }
                        let before = received[i]
                        received[i] += n
                        if before < messageSize && received[i] >= messageSize { remaining -= 1 }
                    } catch Errno.wouldBlock {}
                }
            }
        }
        waits += localWaits
    }

    // Warm-up batches (not timed), then timed batches: writes untimed, serving timed.
    let warmupEnd = Clock.now() + budget.warmupNanoseconds
    var warmups = 0
    repeat {
        try writeAll()
        try serve()
        warmups += 1
    } while Clock.now() < warmupEnd && warmups < 50
    enumCalls = 0
    waits = 0
    // The raw-epoll ONESHOT peer on the same workload, just before and just after (same load).
    var raw: [RawOneshot.Run] = []
    let rawArguments = ["W2", "unix", String(connections), String(max(1, 8192 / connections))]
    if let run = RawOneshot.run(rawArguments) { raw.append(run) }
    var rates: [Double] = []
    var cpuPerMessage: [Double] = []
    for _ in 0..<budget.batches {
        try writeAll()
        let c0 = threadCPUNanoseconds()
        let t0 = Clock.now()
        try serve()
        let t1 = Clock.now()
        let c1 = threadCPUNanoseconds()
        rates.append(Double(connections) * 1e9 / Double(t1 - t0))
        cpuPerMessage.append(Double(c1 - c0) / Double(connections))
    }
    let rate = median(rates)
    let enumsTimed = enumCalls
    let waitsTimed = waits
    // One more batch, untimed, with the syscall counter read around the serving part.
    try writeAll()
    let syscalls = try SyscallCounter.perOp(connections) { try serve() }
    enumCalls = enumsTimed
    waits = waitsTimed
    if let run = RawOneshot.run(rawArguments) { raw.append(run) }
    var extra: [(String, Double)] = [("waits_per_batch", Double(waits) / Double(budget.batches))]
    if let syscalls { extra.append(("syscalls_per_op", syscalls)) }
    extra.append(("cpu_ns_per_op", median(cpuPerMessage)))
    if !raw.isEmpty { extra.append(("raw_oneshot_interleaved_ns", median(raw.map(\.nsPerOp)))) }
    let rawCPU = raw.compactMap(\.cpuNsPerOp)
    if !rawCPU.isEmpty { extra.append(("raw_oneshot_interleaved_cpu_ns", median(rawCPU))) }
    if config.mode == .event {
        extra.append(("enum_calls_per_msg", Double(enumCalls) / Double(connections * budget.batches)))
    }
    return BenchResult(
        peer: config.name, workload: "W2", transport: "unix", connections: connections,
        nsPerOp: 1e9 / rate, opsPerS: rate, bytesPerSocket: nil,
        iterations: connections * budget.batches, extra: extra)
}

// MARK: W3 registration churn

/// One op = one selection call on a connected socket, alternating [.read] and [] (select, cancel,
/// re-select, ...). No data is pending, so nothing is recorded or posted.
func runW3(_ config: Config, _ notifier: Notifier, _ budget: Budget) throws -> BenchResult {
    let pair = try Net.unixPair()
    defer {
        try? notifier.close(pair.b)
        Glibc.close(pair.a.rawValue)
    }
    let event = try SocketEvent()
    let queue = try MessageQueue()
    let socket = pair.b
    let body: (Int) throws -> Void
    switch config.mode {
    case .event:
        body = { count in
            for i in 0..<count { try notifier.eventSelect(socket, event, i & 1 == 0 ? [.read] : []) }
        }
    case .message:
        body = { count in
            for i in 0..<count { try notifier.asyncSelect(socket, queue, message: 0x0403, i & 1 == 0 ? [.read] : []) }
        }
    }
    var raw: [RawOneshot.Run] = []
    if let run = RawOneshot.run(["W3", "unix", "5000"]) { raw.append(run) }
    let (perBatch, cpuPerBatch, ops, syscalls) = try timeBatchesCPU(budget) { count in try body(count & ~1) }
    if let run = RawOneshot.run(["W3", "unix", "5000"]) { raw.append(run) }
    guard queue.count == 0, !event.isSet else { throw BenchError("W3: churn recorded an event") }
    let ns = median(perBatch)
    var extra: [(String, Double)] = [("cpu_ns_per_op", median(cpuPerBatch))]
    if let syscalls { extra.append(("syscalls_per_op", syscalls)) }
    if !raw.isEmpty { extra.append(("raw_oneshot_interleaved_ns", median(raw.map(\.nsPerOp)))) }
    let rawCPU = raw.compactMap(\.cpuNsPerOp)
    if !rawCPU.isEmpty { extra.append(("raw_oneshot_interleaved_cpu_ns", median(rawCPU))) }
    return BenchResult(
        peer: config.name, workload: "W3", transport: "unix", connections: 1,
        nsPerOp: ns, opsPerS: 1e9 / ns, bytesPerSocket: nil, iterations: ops, extra: extra)
}

// MARK: W4 idle scaling (run in a child process: fresh heap, raised fd limit)

/// `idle`: the number of idle sockets to select, or nil for as many as RLIMIT_NOFILE allows.
/// Both ends of each idle socketpair are selected, so selected sockets = 2 x pairs.
func runW4(_ config: Config, _ notifier: Notifier, idle: Int?, _ budget: Budget) throws -> BenchResult {
    let limit = try Limits.raiseFileLimit()
    let queue = try MessageQueue()
    let active = try PingPong(notifier, config.mode, try Net.unixPair(), queue: queue)
    // The same process, the same active pair, no idle set: the reference for the ratio.
    let (baseline, baselineCPU, _, _) = try timeBatchesCPU(budget, active.run)

    let reserve = 24  // statm, /proc/self/fd, pipes, eventfds made later
    let open = try Limits.openDescriptors()
    let available = limit - open - reserve
    let pairs = min(idle.map { $0 / 2 } ?? available / 2, available / 2)
    guard pairs > 0 else { throw BenchError("W4: no descriptors left (limit \(limit), open \(open))") }

    var idleFDs: [FileDescriptor] = []
    idleFDs.reserveCapacity(pairs * 2)
    let rssReserved = try Memory.statm()
    for _ in 0..<pairs {
        let pair = try Net.unixPair()
        idleFDs.append(pair.a)
        idleFDs.append(pair.b)
    }
    let rssSockets = try Memory.statm()
    let idleEvent = try SocketEvent()
    for fd in idleFDs {
        switch config.mode {
        case .event: try notifier.eventSelect(fd, idleEvent, [.read])
        case .message: try notifier.asyncSelect(fd, queue, message: PingPong.message, [.read])
        }
    }
    let rssSelected = try Memory.statm()
    let fdsInUse = try Limits.openDescriptors()

    let (perBatch, cpuPerBatch, ops, syscalls) = try timeBatchesCPU(budget, active.run)
    guard !idleEvent.isSet, queue.count == 0 else { throw BenchError("W4: an idle socket reported an event") }
    let ns = median(perBatch)
    let selected = idleFDs.count
    let perSelected = Double(rssSelected.resident - rssSockets.resident) / Double(selected)
    let perSelectedShared = Double(rssSelected.shared - rssSockets.shared) / Double(selected)
    let perSelectedWithSockets = Double(rssSelected.resident - rssReserved.resident) / Double(selected)
    return BenchResult(
        peer: config.name, workload: "W4", transport: "unix", connections: selected,
        nsPerOp: ns, opsPerS: 1e9 / ns, bytesPerSocket: perSelected, iterations: ops,
        extra: (syscalls.map { [("syscalls_per_op", $0)] } ?? []) + [
            ("baseline_ns_per_op", median(baseline)),
            ("cpu_ns_per_op", median(cpuPerBatch)), ("baseline_cpu_ns_per_op", median(baselineCPU)),
            ("bytes_per_socket_incl_socketpair", perSelectedWithSockets),
            ("bytes_per_socket_shared_mapping", perSelectedShared),
            ("rss_delta_selecting", Double(rssSelected.resident - rssSockets.resident)),
            ("fds_in_use", Double(fdsInUse)), ("nofile_limit", Double(limit)),
        ])
}
