// Load: the descriptor limit's worth of selected sockets in one process and in several processes
// through one registry; thousands of connections accepted, served and closed, every byte and
// exactly one FD_CLOSE each; long select/cancel and open/close cycles with bounded descriptors and
// memory. Scaled down in the normal run; EVENTSELECT_LONG_TESTS=1 runs the full sizes.
// Processes that fill a registry use a private EventSelect directory (PrivateRegistry), removed
// afterwards.
// docs/RELIABILITY.md has the figures.
import EventSelect
import Glibc
import Synchronization
import SystemPackage
import Testing

/// Numbers of an "ok a b c ..." answer.
private func okNumbers(_ answer: String) throws -> [Int] {
    let words = answer.split(separator: " ")
    guard words.first == "ok" else { throw SocketError(description: "peer: \(answer)") }
    return words.dropFirst().map { Int($0) ?? -1 }
}

private final class ThreadBox: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// Runs `body` on a new thread; join with pthread_join.
private func spawnThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    let context = Unmanaged.passRetained(ThreadBox(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(
        &thread, nil,
        { context in
            Unmanaged<ThreadBox>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
    precondition(rc == 0, "pthread_create: \(rc)")
    return thread
}

@Suite struct LoadTests {
    /// As many selected sockets as the descriptor limit allows (normal run: 2,000): each records
    /// FD_WRITE at once, FD_READ on a byte, FD_CLOSE on the partner's close; nothing leaks.
    @Test(arguments: testBackends)
    func descriptorLimitOfSelectedSocketsInOneProcess(backend: NotifierBackend) throws {
        let registry = try PrivateRegistry()
        let peer = try faultPeer(backend, environment: registry.environment(slots: longTests ? 131_072 : 8192))
        // The process's lasting descriptors (registry, kick channel) exist before counting.
        let (a, _) = try twoNumbers(try peer.call("pair"))
        try peer.ok("select-event \(a) 1")
        let before = try peer.ok("fd-count")
        let answer = try peer.call("load-select \(longTests ? 0 : 1000)", timeout: .seconds(longTests ? 600 : 60))
        let figures = try okNumbers(answer)
        print("load-select \(backend): \(figures[0]) sockets selected in \(figures[1]) ms, peak RSS \(figures[4]) KiB")
        #expect(figures[0] >= (longTests ? 19_000 : 2000))
        #expect(try peer.ok("fd-count") == before, "descriptors leaked")
    }

    /// Several processes fill one registry at once (normal run: 3 x 1,000 sockets; long: 3 x the
    /// descriptor limit), each checking every record.
    @Test(arguments: testBackends)
    func severalProcessesThroughOneRegistry(backend: NotifierBackend) throws {
        let registry = try PrivateRegistry()
        let peers = try (0..<3).map { _ in
            try faultPeer(backend, environment: registry.environment(slots: longTests ? 131_072 : 8192))
        }
        let start = ContinuousClock.now
        for peer in peers { try peer.begin("load-select \(longTests ? 0 : 500)") }
        var total = 0
        for peer in peers {
            let figures = try okNumbers(try peer.answer(timeout: .seconds(longTests ? 900 : 120)))
            total += figures[0]
        }
        print("load-select \(backend), 3 processes, one registry: \(total) sockets in \(ContinuousClock.now - start)")
        #expect(total >= (longTests ? 57_000 : 3000))
    }

    /// Connections accepted (inheriting the listener's asyncSelect), served and closed (normal
    /// run: 1,000; long: 10,000), four client threads: every byte echoed, exactly one FD_CLOSE
    /// per connection, no message for an unknown socket.
    @Test(arguments: testBackends)
    func connectionsAcceptedServedAndClosed(backend: NotifierBackend) throws {
        let total = longTests ? 10_000 : 1000
        let notifier = try Notifier(backend: backend)
        let (listener, address) = try makeListener(backlog: 256)
        defer { _ = try? notifier.close(listener) }
        let queue = try MessageQueue()
        try notifier.asyncSelect(listener, queue, message: 0x400, [.accept, .read, .close])
        let clientFailures = Mutex<[String]>([])
        let clientsDone = Atomic<Int>(0)
        let threads = (0..<4).map { worker in
            spawnThread {
                for index in stride(from: worker, to: total, by: 4) {
                    let size = 1 + (index * 7919) % 2000
                    if let failure = echoClient(address, size: size, seed: UInt8(truncatingIfNeeded: index)) {
                        clientFailures.withLock { $0.append("connection \(index): \(failure)") }
                    }
                    clientsDone.add(1, ordering: .relaxed)
                }
            }
        }
        var received: [CInt: Int] = [:]  // bytes per open connection
        var closes = 0
        var bytes = 0
        var unknown = 0
        let start = ContinuousClock.now
        let deadline = start + .seconds(longTests ? 600 : 120)
        while closes < total && ContinuousClock.now < deadline {
            guard let message = try queue.next(timeout: .seconds(1)) else { continue }
            let fd = message.socket
            switch message.event {
            case .accept:
                while true {
                    do throws(Errno) {
                        let connection = try notifier.accept(listener)
                        received[connection.rawValue] = 0
                    } catch {
                        break
                    }
                }
            case .read, .close:
                guard received[fd.rawValue] != nil else {
                    unknown += 1
                    continue
                }
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n: Int
                    do {
                        n = try buffer.withUnsafeMutableBytes { try notifier.receive(fd, into: $0, flags: 0) }
                    } catch {
                        break
                    }
                    if n == 0 { break }
                    received[fd.rawValue]! += n
                    bytes += n
                    var sent = 0
                    while sent < n {
                        sent += (try? buffer[sent..<n].withUnsafeBytes { try notifier.send(fd, $0, flags: 0) }) ?? 0
                    }
                }
                if message.event == .close {
                    closes += 1
                    received[fd.rawValue] = nil
                    try notifier.close(fd)
                }
            default:
                unknown += 1
            }
        }
        for thread in threads { pthread_join(thread, nil) }
        let elapsed = ContinuousClock.now - start
        print("connections \(backend): \(closes) closed, \(bytes) bytes echoed in \(elapsed)")
        #expect(closes == total)
        #expect(received.isEmpty, "connections without FD_CLOSE: \(received.count)")
        #expect(unknown == 0)
        #expect(clientFailures.withLock { $0 } == [])
        let expectedBytes = (0..<total).reduce(0) { $0 + 1 + ($1 * 7919) % 2000 }
        #expect(bytes == expectedBytes)
        // No FD_CLOSE came twice: nothing is left in the queue once every connection closed.
        #expect(drain(queue).isEmpty)
    }

    /// Select/cancel cycles on one socket (normal: 50,000; long: 1,000,000) and open/select/
    /// close cycles (normal: 5,000; long: 100,000) in a peer: descriptors end where they began,
    /// and resident memory grows less than 8 MiB after the first tenth.
    @Test(arguments: testBackends)
    func selectCancelAndOpenCloseCyclesStayBounded(backend: NotifierBackend) throws {
        let registry = try PrivateRegistry()
        let peer = try faultPeer(backend, environment: registry.environment(slots: longTests ? 131_072 : 8192))
        // The process's lasting descriptors (registry, kick channel) exist before counting.
        let (a, _) = try twoNumbers(try peer.call("pair"))
        try peer.ok("select-event \(a) 1")
        for (command, count) in [
            ("cycles-select", longTests ? 1_000_000 : 50_000), ("cycles-open", longTests ? 100_000 : 5000),
        ] {
            let figures = try okNumbers(try peer.call("\(command) \(count)", timeout: .seconds(longTests ? 900 : 120)))
            print(
                "\(command) \(count) \(backend): fds \(figures[0]) -> \(figures[1]), RSS \(figures[2]) -> \(figures[3]) KiB, \(figures[4]) ms"
            )
            #expect(figures[1] == figures[0], "\(command): descriptors \(figures[0]) -> \(figures[1])")
            // (Not under AddressSanitizer: its quarantine keeps freed memory resident on purpose.)
            if getenv("ASAN_OPTIONS") == nil {
                #expect(figures[3] - figures[2] < 8192, "\(command): RSS \(figures[2]) -> \(figures[3]) KiB")
            }
        }
    }
}

/// One client: connect, send `size` bytes, shut down its sending side, read the echo to the end,
/// close. Returns a failure description, or nil.
private func echoClient(_ address: sockaddr_in, size: Int, seed: UInt8) -> String? {
    let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return "socket: errno \(errno)" }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 30, tv_usec: 0)  // every wait bounded
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = address
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else { return "connect: errno \(errno)" }
    let payload = (0..<size).map { UInt8(truncatingIfNeeded: Int(seed) &+ $0) }
    var sent = 0
    while sent < size {
        let n = payload[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL)) }
        guard n > 0 else { return "send: errno \(errno)" }
        sent += n
    }
    shutdown(fd, CInt(SHUT_WR))
    var echoed: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
        if n == 0 { break }
        guard n > 0 else { return "recv: errno \(errno) after \(echoed.count) of \(size)" }
        echoed += buffer[..<n]
    }
    return echoed == payload
        ? nil : "echo: \(echoed.count) bytes of \(size), content \(echoed.count == size ? "differs" : "short")"
}
