// The benchmark list and what the scenarios share. One file per scenario:
// W1EventEpoll.swift, W1Message.swift, W3Churn.swift.
// Set-up (sockets, notifier, selection, a warm-up) runs in `setup:`, outside the measured region.
import Benchmark
import CSyscallCounter
import EventSelect
import Glibc
import SystemPackage

let benchmarks: @Sendable () -> Void = {
    // .syscalls and .contextSwitches are reported by the framework on macOS only; on Linux the
    // scenarios record the two custom metrics below themselves (see measured(_:_:)).
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .syscalls, .contextSwitches, .mallocCountTotal, syscallsMetric, contextSwitchesMetric],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )
    w1EventEpoll()
    w1Message()
    w3Churn()
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
}

/// A connected AF_UNIX socketpair.
func socketPair() throws -> (FileDescriptor, FileDescriptor) {
    var fds: [CInt] = [-1, -1]
    guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &fds) == 0 else { throw Errno(rawValue: errno) }
    return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
}

/// State kept from set-up to measurement (the closures run on one thread, one after the other).
final class Fixture: @unchecked Sendable {
    let notifier: Notifier
    let a: FileDescriptor
    let b: FileDescriptor
    let eventA: SocketEvent
    let eventB: SocketEvent
    let queue: MessageQueue

    init(backend: NotifierBackend) throws {
        notifier = try Notifier(backend: backend)
        (a, b) = try socketPair()
        eventA = try SocketEvent()
        eventB = try SocketEvent()
        queue = try MessageQueue()
    }

    func close() {
        try? notifier.close(a)
        try? notifier.close(b)
    }
}

let syscallsMetric = BenchmarkMetric.custom("Syscalls (perf raw_syscalls:sys_enter)")
let contextSwitchesMetric = BenchmarkMetric.custom("Context switches (getrusage)")

/// This thread's syscall counter (opened once; -1 when perf or tracefs is unavailable).
nonisolated(unsafe) var syscallCounterFD: CInt = -2

/// Runs `body` (the measured loop) and records the syscalls and context switches it made.
@inline(__always)
func measured(_ benchmark: Benchmark, _ body: () -> Void) {
    if syscallCounterFD == -2 { syscallCounterFD = csc_syscall_counter_open() }
    let syscalls0 = csc_counter_read(syscallCounterFD)
    let switches0 = csc_context_switches()
    body()
    let syscalls1 = csc_counter_read(syscallCounterFD)
    let switches1 = csc_context_switches()
    if syscalls0 >= 0 && syscalls1 >= 0 { benchmark.measurement(syscallsMetric, Int(syscalls1 - syscalls0)) }
    if switches0 >= 0 && switches1 >= 0 { benchmark.measurement(contextSwitchesMetric, Int(switches1 - switches0)) }
}
