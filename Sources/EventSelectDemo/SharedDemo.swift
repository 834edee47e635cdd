// The shared-socket demo (the default mode): the classic Winsock "shared socket" server.
//
// An acceptor process selects its listener with eventSelect([.accept]); on each FD_ACCEPT it
// accepts, picks a worker process round-robin, duplicates the socket for it (duplicateSocket), sends
// the info bytes over the worker's stdin pipe and closes its own descriptor: "duplicate, hand over,
// close". Workers (this executable re-launched as `worker <index>`) serve in WSAAsyncSelect window
// procedure style (Worker.swift). A built-in load generator on other threads of the acceptor
// process drives request/response traffic and prints a live table; at the end a probe connection
// proves docs/SEMANTICS.md rule 20: a selection made in worker B cancels worker A's.
import EventSelect
import EventSelectTools
import Glibc
import Synchronization
import SystemPackage

enum Shared {
    static let requestSize = 64
}

/// What one client thread measured since the last tick.
struct Interval {
    var latencies = LatencyHistogram()
    var served: [Int]
}

final class ClientSlot: Sendable {
    let interval: Mutex<Interval>
    init(workers: Int) { interval = Mutex(Interval(served: Array(repeating: 0, count: workers))) }
}

/// State shared by the acceptor thread, the client threads and the ticker.
final class DemoState: Sendable {
    let stop = Atomic<Bool>(false)
    let failure = Mutex<String?>(nil)
    let handed: Mutex<[Int]>
    let slots: [ClientSlot]
    let allLatencies = Mutex(LatencyHistogram())
    let connections = Atomic<Int>(0)

    init(workers: Int, clients: Int) {
        handed = Mutex(Array(repeating: 0, count: workers))
        slots = (0..<clients).map { _ in ClientSlot(workers: workers) }
    }

    func fail(_ message: String) {
        failure.withLock { if $0 == nil { $0 = message } }
        stop.store(true, ordering: .releasing)
    }
}

struct SharedDemo {
    var workers = 4
    var clients = 32
    var seconds = 20.0
    var reconnect = 200
    var backend = NotifierBackend.automatic
    var mixed = false

    /// Every spawned worker, for the error exit (written by the main thread before other threads start).
    nonisolated(unsafe) private static var handles: [WorkerHandle] = []

    /// Error exit: kill every worker, say why, exit non-zero.
    static func abort(_ message: String) -> Never {
        for handle in handles { handle.kill() }
        print("eventselect-demo: FAILED: \(message)")
        exit(1)
    }

    func run() -> Never {
        signal(SIGPIPE, SIG_IGN)
        guard workers >= 2 else {
            SharedDemo.abort("--workers must be at least 2 (the cancellation check needs two processes)")
        }
        guard workers <= 255, clients >= 1, seconds > 0, reconnect >= 1 else {
            SharedDemo.abort("bad option value (see --help)")
        }
        let notifier: Notifier
        do { notifier = try Notifier(backend: backend) } catch {
            SharedDemo.abort("cannot create the \(backend) notifier: \(error)")
        }
        let backendName = notifier.backend == .ioUring ? "io_uring" : "epoll"

        // 1. Workers first, before any other descriptor exists that could leak into them.
        let path: String
        do { path = try IO.executablePath() } catch { SharedDemo.abort("cannot find this executable: \(error)") }
        let environment = backend == .epoll ? ["EVENTSELECT_FORCE_EPOLL=1"] : []
        for index in 0..<workers {
            let mode = mixed && index % 2 == 1 ? "event" : "message"
            do {
                SharedDemo.handles.append(
                    try WorkerHandle(index: index, path: path, arguments: ["--mode", mode], environment: environment))
            } catch {
                SharedDemo.abort("cannot spawn worker \(index): \(error)")
            }
        }
        let handles = SharedDemo.handles
        var readyLines: [String] = []
        for handle in handles {
            guard let line = handle.expect("ready", within: 5_000) else {
                SharedDemo.abort(
                    "worker \(handle.index) (pid \(handle.pid)) did not report ready within 5 s \(handle.errors)")
            }
            readyLines.append(line)
        }

        // 2. The listener, selected for FD_ACCEPT.
        let listener: FileDescriptor
        let address: SocketAddress
        let acceptEvent: SocketEvent
        let stopEvent: SocketEvent
        do {
            (listener, address) = try Net.listen(notifier)
            acceptEvent = try SocketEvent()
            stopEvent = try SocketEvent()
            try notifier.eventSelect(listener, acceptEvent, [.accept])
        } catch {
            SharedDemo.abort("cannot set up the listener: \(error)")
        }
        print("shared-socket demo: acceptor pid \(getpid()) (backend \(backendName)) on \(address)")
        for line in readyLines {
            let words = line.split(separator: " ")
            if words.count >= 5 {
                print(
                    "  worker \(words[1]): pid \(words[2]), backend \(words[3]), \(words[4] == "event" ? "eventSelect + waitAny" : "asyncSelect window procedure")"
                )
            }
        }
        print(
            "  \(clients) clients x \(Shared.requestSize)-byte request/response for \(format1(seconds)) s, reconnecting every \(reconnect) requests"
        )
        print(
            "  every connection: accept -> duplicateSocket(for: worker) -> info over a pipe -> close; the worker imports it"
        )
        print("")

        let state = DemoState(workers: workers, clients: clients)

        // 3. The acceptor thread: FD_ACCEPT -> accept -> duplicate, hand over, close.
        let acceptor = Thread {
            var next = 0
            do {
                while !state.stop.load(ordering: .acquiring) {
                    guard let index = try SocketEvent.waitAny([acceptEvent, stopEvent], timeout: .milliseconds(200))
                    else { continue }
                    if index == 1 { break }
                    let record = try notifier.enumNetworkEvents(listener, resetting: acceptEvent)
                    guard record.events.contains(.accept) else { continue }
                    while true {
                        let connection: FileDescriptor
                        do {
                            connection = try notifier.accept(listener)
                        } catch Errno.wouldBlock {
                            break
                        }
                        let worker = handles[next % handles.count]
                        next += 1
                        let info = try notifier.duplicateSocket(connection, for: worker.pid)
                        try worker.send(.connection, info.bytes)
                        try notifier.close(connection)
                        state.handed.withLock { $0[worker.index] += 1 }
                        state.connections.add(1, ordering: .relaxed)
                    }
                }
            } catch {
                state.fail("acceptor: \(error)")
            }
        }

        // 4. The load: M clients, request/response, reconnecting every K requests.
        var clientThreads: [Thread] = []
        let reconnect = self.reconnect
        let workerCount = workers
        for slot in state.slots {
            clientThreads.append(
                Thread {
                    SharedDemo.client(address, slot: slot, state: state, reconnect: reconnect, workers: workerCount)
                })
        }

        // 5. The live table, once per second.
        let header = (0..<workers).map { pad("w\($0) conns", 9) + pad("reqs", 7) }.joined(separator: " |")
        print(pad("t", 4) + " |" + header + " |" + pad("req/s", 8) + pad("p50 us", 8) + pad("p99 us", 8))
        let started = Clock.now()
        let end = started + Int64(seconds * 1e9)
        var tick = 1
        var lastHanded = Array(repeating: 0, count: workers)
        while Clock.now() < end && !state.stop.load(ordering: .acquiring) {
            let target = min(started + Int64(tick) * 1_000_000_000, end)
            Clock.sleep(until: target)
            let elapsed = Double(target - (started + Int64(tick - 1) * 1_000_000_000)) / 1e9
            var latencies = LatencyHistogram()
            var served = Array(repeating: 0, count: workers)
            for slot in state.slots {
                slot.interval.withLock { interval in
                    latencies.add(interval.latencies)
                    for index in 0..<workers { served[index] += interval.served[index] }
                    interval.latencies.reset()
                    interval.served = Array(repeating: 0, count: workers)
                }
            }
            let handed = state.handed.withLock { $0 }
            var row = pad("\(tick)s", 4) + " |"
            row += (0..<workers).map { pad("\(handed[$0] - lastHanded[$0])", 9) + pad("\(served[$0])", 7) }.joined(
                separator: " |")
            row += " |" + pad("\(Int(Double(latencies.count) / max(elapsed, 0.001)))", 8)
            row +=
                pad(format1(latencies.microseconds(atPercentile: 50)), 8)
                + pad(format1(latencies.microseconds(atPercentile: 99)), 8)
            print(row)
            lastHanded = handed
            tick += 1
            for handle in handles {
                if handle.isGone {
                    state.fail("worker \(handle.index) (pid \(handle.pid)) exited during the load \(handle.errors)")
                } else if let error = handle.errors.first {
                    state.fail("worker \(handle.index) (pid \(handle.pid)) reported: \(error)")
                }
            }
        }
        let loadEnded = Clock.now()
        state.stop.store(true, ordering: .releasing)
        for thread in clientThreads { thread.join() }
        stopEvent.set()
        acceptor.join()
        if let failure = state.failure.withLock({ $0 }) {
            let gone = handles.filter(\.isGone).map { "worker \($0.index) (pid \($0.pid)) exited unexpectedly" }
            SharedDemo.abort(([failure] + gone).joined(separator: "; "))
        }
        for handle in handles where !handle.errors.isEmpty {
            SharedDemo.abort("worker \(handle.index) reported: \(handle.errors.joined(separator: "; "))")
        }

        // 6. The summary.
        let all = state.allLatencies.withLock { $0 }
        let duration = Double(loadEnded - started) / 1e9
        let handed = state.handed.withLock { $0 }
        print("")
        print(
            "summary: \(all.count) requests in \(format1(duration)) s = \(Int(Double(all.count) / duration)) requests/s"
        )
        print(
            "  latency: p50 \(format1(all.microseconds(atPercentile: 50))) us, p99 \(format1(all.microseconds(atPercentile: 99))) us, p99.9 \(format1(all.microseconds(atPercentile: 99.9))) us"
        )
        print(
            "  connections accepted and handed off: \(state.connections.load(ordering: .relaxed)) (per worker: \(handed.map(String.init).joined(separator: ", ")))"
        )

        // 7. The cancellation check (docs/SEMANTICS.md rule 20).
        print("")
        let passed = SharedDemo.cancellationCheck(
            notifier, listener, acceptEvent, address, a: handles[0], b: handles[1])

        // 8. Shutdown: close the workers' stdin; they report their totals and exit.
        try? notifier.close(listener)
        for handle in handles { handle.closeInput() }
        var totals: [String] = []
        var clean = true
        for handle in handles {
            let stats = handle.expect("stats", within: 3_000)
            let status = handle.reap(within: 3_000)
            if status != "exit 0" { clean = false }
            let words = stats?.split(separator: " ") ?? []
            if words.count == 4 {
                totals.append(
                    "w\(handle.index): imported \(words[1])/\(handed[handle.index]), served \(words[2]), closed \(words[3]) (\(status))"
                )
                if Int(words[1]) != handed[handle.index] { clean = false }
            } else {
                totals.append("w\(handle.index): no totals (\(status))")
                clean = false
            }
        }
        print("workers: " + totals.joined(separator: "; "))
        if !passed { exit(1) }
        if !clean {
            print(
                "eventselect-demo: FAILED: a worker did not import every connection handed to it or did not exit cleanly"
            )
            exit(1)
        }
        exit(0)
    }

    /// One client thread: connect, request/response, reconnect every `reconnect` requests.
    static func client(_ address: SocketAddress, slot: ClientSlot, state: DemoState, reconnect: Int, workers: Int) {
        var request = [UInt8](repeating: 0, count: Shared.requestSize)
        var reply = [UInt8](repeating: 0, count: Shared.requestSize)
        var mine = LatencyHistogram()
        var sequence: UInt64 = 0
        defer { state.allLatencies.withLock { $0.add(mine) } }
        while !state.stop.load(ordering: .relaxed) {
            let fd: CInt
            do {
                fd = try Net.connect(address)
            } catch {
                state.fail("client connect: \(error)")
                return
            }
            defer { Glibc.close(fd) }
            // Bounded waits: a lost handoff or a missed FD_READ shows as a timeout, not a hang.
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            for _ in 0..<reconnect {
                if state.stop.load(ordering: .relaxed) { break }
                sequence &+= 1
                request[0] = 0xFF
                for index in 1..<Shared.requestSize {
                    request[index] = UInt8(truncatingIfNeeded: sequence >> (8 * UInt64(index % 8)) &+ UInt64(index))
                }
                let start = Clock.now()
                do {
                    try Net.sendAll(fd, request)
                    try Net.readExactly(fd, &reply, count: Shared.requestSize)
                } catch {
                    let what = (error as? Errno) == .wouldBlock ? "no reply within 5 s" : "\(error)"
                    state.fail("client: request \(sequence): \(what)")
                    return
                }
                let latency = Clock.now() - start
                let worker = Int(reply[0])
                guard worker < workers, reply[1...] == request[1...] else {
                    state.fail("client: bad reply (worker byte \(worker))")
                    return
                }
                mine.record(nanoseconds: latency)
                slot.interval.withLock {
                    $0.latencies.record(nanoseconds: latency)
                    $0.served[worker] += 1
                }
            }
        }
    }

    /// docs/SEMANTICS.md rule 20 across processes, on one extra connection: its server side is duplicated for
    /// worker A and for worker B; A selects it (asyncSelect, FD_READ) and must get FD_READ; then B
    /// selects it (eventSelect), which cancels A's registration; the next byte must reach B and A
    /// must get no message for it.
    static func cancellationCheck(
        _ notifier: Notifier, _ listener: FileDescriptor, _ acceptEvent: SocketEvent, _ address: SocketAddress,
        a: WorkerHandle, b: WorkerHandle
    ) -> Bool {
        print(
            "cancellation check (docs/SEMANTICS.md rule 20): probe connection shared by worker \(a.index) (A, pid \(a.pid)) and worker \(b.index) (B, pid \(b.pid))"
        )
        var steps: [String] = []
        func step(_ text: String) {
            steps.append(text)
            print("  - " + text)
        }
        func failed(_ why: String) -> Bool {
            print("cancellation check: FAILED — \(why)")
            return false
        }
        let client: CInt
        do { client = try Net.connect(address) } catch { return failed("probe connect: \(error)") }
        defer { Glibc.close(client) }
        let server: FileDescriptor
        do {
            guard try SocketEvent.waitAny([acceptEvent], timeout: .seconds(2)) != nil else {
                return failed("no FD_ACCEPT for the probe within 2 s")
            }
            _ = try notifier.enumNetworkEvents(listener, resetting: acceptEvent)
            server = try notifier.accept(listener)
        } catch {
            return failed("probe accept: \(error)")
        }
        let infoA: SocketProtocolInfo
        let infoB: SocketProtocolInfo
        do {
            infoA = try notifier.duplicateSocket(server, for: a.pid)
            infoB = try notifier.duplicateSocket(server, for: b.pid)
            try notifier.close(server)
        } catch {
            return failed("duplicating the probe: \(error)")
        }
        step("acceptor: duplicateSocket(probe, for: A) and (for: B), then closed its own descriptor")

        do { try a.send(.probeAsync, infoA.bytes) } catch { return failed("sending to A: \(error)") }
        guard let selectedA = a.expect("probe selected", within: 2_000) else {
            return failed("worker A did not import and select the probe within 2 s \(a.errors)")
        }
        step("A: socket(from:) + asyncSelect(probe, queue, WM_PROBE, [.read]) -> \(selectedA)")

        do { try Net.sendAll(client, [0x41]) } catch { return failed("probe send: \(error)") }
        guard let readA = a.expect("probe", within: 2_000) else {
            return failed("worker A got no FD_READ for the probe within 2 s (byte 0x41 sent)")
        }
        guard readA.hasPrefix("probe read 65") else {
            return failed("worker A, expected FD_READ with byte 65: \(readA)")
        }
        step("client sent 0x41 -> A: FD_READ message, received it (\(readA))")

        do { try b.send(.probeEvent, infoB.bytes) } catch { return failed("sending to B: \(error)") }
        guard let selectedB = b.expect("probe selected", within: 2_000) else {
            return failed("worker B did not import and select the probe within 2 s \(b.errors)")
        }
        step("B: socket(from:) + eventSelect(probe, event, [.read]) -> \(selectedB) (replaces A's selection)")

        do { try a.send(.probeQuiet, Frame.milliseconds(1_000)) } catch { return failed("sending to A: \(error)") }
        guard a.expect("probe watching", within: 2_000) != nil else {
            return failed("worker A did not start watching within 2 s")
        }
        do { try Net.sendAll(client, [0x42]) } catch { return failed("probe send: \(error)") }
        do { try b.send(.probeWait, Frame.milliseconds(2_000)) } catch { return failed("sending to B: \(error)") }
        guard let readB = b.expect("probe", within: 3_000) else { return failed("worker B did not answer within 3 s") }
        let quietA = a.expect("probe quiet", within: 3_000)
        step("client sent 0x42 -> B: \(readB)")
        step("A, watching its queue for 1 s: \(quietA ?? "no answer")")
        var problems: [String] = []
        if !readB.hasPrefix("probe read 66") {
            problems.append("worker B, expected FD_READ with byte 66 (waitAny + enumNetworkEvents), got: \(readB)")
        }
        if let quietA {
            if quietA != "probe quiet 0" {
                problems.append("worker A still got messages for the probe after B's selection: \(quietA)")
            }
        } else {
            problems.append("worker A did not finish its 1 s watch within 3 s")
        }
        guard problems.isEmpty else { return failed(problems.joined(separator: "; ")) }
        print("cancellation check: PASSED — worker B's selection replaced worker A's; A got no FD_READ after it")
        return true
    }

}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
}
