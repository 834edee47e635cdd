// The echo demo: a server driven only by eventSelect / waitAny / enumNetworkEvents, in the classic
// Windows shape (one event object per socket, WSAWaitForMultipleEvents over all of them), and a
// built-in client load on other threads that prints round trips per second.
import EventSelect
import EventSelectTools
import Glibc
import Synchronization
import SystemPackage

struct EchoDemo {
    var clients = 8
    var seconds = 3.0
    var backend = NotifierBackend.automatic

    func run() throws {
        let notifier = try Notifier(backend: backend)
        let (listener, address) = try Net.listen(notifier)
        print("echo demo: \(clients) clients, \(seconds) s, backend \(notifier.backend), \(address)")
        let stop = Atomic<Bool>(false)
        let roundTrips = Atomic<Int>(0)
        let latencies = Mutex(LatencyHistogram())
        var clientThreads: [Thread] = []
        for _ in 0..<clients {
            clientThreads.append(
                Thread {
                    do {
                        let fd = try Net.connect(address)
                        defer { _ = Glibc.close(fd) }
                        var buffer = [UInt8](repeating: 0, count: 64)
                        let request = [UInt8](repeating: 0x61, count: 32)
                        var mine = LatencyHistogram()
                        while !stop.load(ordering: .relaxed) {
                            let start = Clock.now()
                            try Net.sendAll(fd, request)
                            try Net.readExactly(fd, &buffer, count: 32)
                            mine.record(nanoseconds: Clock.now() - start)
                            roundTrips.add(1, ordering: .relaxed)
                        }
                        latencies.withLock { $0.add(mine) }
                    } catch {
                        print("client: \(error)")
                    }
                })
        }
        var counts = EventCounts()
        let server = Thread {
            do {
                counts = try EchoDemo.serve(notifier, listener, expecting: clients, stop: stop)
            } catch {
                print("server: \(error)")
            }
        }
        var last = 0
        let started = Clock.now()
        var tick = 1
        while Double(Clock.now() - started) < seconds * 1e9 {
            let target = started + Int64(tick) * 1_000_000_000
            Clock.sleep(until: min(target, started + Int64(seconds * 1e9)))
            let now = roundTrips.load(ordering: .relaxed)
            print("  t=\(tick)s  round trips/s: \(now - last)")
            last = now
            tick += 1
        }
        stop.store(true, ordering: .relaxed)
        for thread in clientThreads { thread.join() }
        server.join()
        try notifier.close(listener)
        let latency = latencies.withLock { $0 }
        let total = roundTrips.load(ordering: .relaxed)
        print("done: \(total) round trips, \(Int(Double(total) / seconds)) per second")
        if latency.count > 0 {
            print(
                "latency: p50 \(format1(latency.microseconds(atPercentile: 50))) us, p99 \(format1(latency.microseconds(atPercentile: 99))) us"
            )
        }
        print("server saw: \(counts)")
    }

    /// The server loop: accept, echo, close, all from enumNetworkEvents.
    static func serve(_ notifier: Notifier, _ listener: FileDescriptor, expecting: Int, stop: borrowing Atomic<Bool>)
        throws -> EventCounts
    {
        var counts = EventCounts()
        var sockets: [FileDescriptor] = [listener]
        var events: [SocketEvent] = [try SocketEvent()]
        try notifier.eventSelect(listener, events[0], [.accept, .close])
        var buffer = [UInt8](repeating: 0, count: 4096)
        var closed = 0
        var accepted = 0
        while closed < expecting || accepted < expecting {
            guard let index = try SocketEvent.waitAny(events, timeout: .seconds(10)) else {
                throw Errno.timedOut
            }
            let socket = sockets[index]
            let record = try notifier.enumNetworkEvents(socket, resetting: events[index])
            counts.add(record.events)
            if record.events.contains(.accept) {
                if let client = try? notifier.accept(socket) {
                    accepted += 1
                    let event = try SocketEvent()
                    // The accepted socket inherits FD_ACCEPT|FD_CLOSE; select what an echo server needs.
                    try notifier.eventSelect(client, event, [.read, .write, .close])
                    sockets.append(client)
                    events.append(event)
                }
            }
            if record.events.contains(.read) {
                while true {
                    let n = try? buffer.withUnsafeMutableBytes { try notifier.receive(socket, into: $0, flags: 0) }
                    guard let n, n > 0 else { break }
                    _ = try buffer.withUnsafeBytes {
                        try notifier.send(socket, UnsafeRawBufferPointer(rebasing: $0[0..<n]), flags: 0)
                    }
                    if n < buffer.count { break }
                }
            }
            if record.events.contains(.close) {
                try notifier.close(socket)
                sockets.remove(at: index)
                events.remove(at: index)
                closed += 1
            }
        }
        return counts
    }
}

struct EventCounts: CustomStringConvertible {
    var read = 0, write = 0, accept = 0, close = 0, connect = 0, oob = 0

    mutating func add(_ events: NetworkEvents) {
        if events.contains(.read) { read += 1 }
        if events.contains(.write) { write += 1 }
        if events.contains(.accept) { accept += 1 }
        if events.contains(.close) { close += 1 }
        if events.contains(.connect) { connect += 1 }
        if events.contains(.oob) { oob += 1 }
    }

    var description: String {
        "FD_ACCEPT \(accept), FD_READ \(read), FD_WRITE \(write), FD_CLOSE \(close)"
    }
}
