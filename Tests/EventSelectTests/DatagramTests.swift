// Connectionless sockets (UDP over 127.0.0.1): FD_READ per datagram, FD_WRITE as Windows reports it
// (docs/SEMANTICS.md rule 6: event mode records it for a bound socket only; message mode posts it at once), and never
// FD_CLOSE (docs/SEMANTICS.md rule 5: only valid on connection-oriented sockets).
import EventSelect
import Glibc
import SystemPackage
import Testing

private func udpSocket(bound: Bool) throws -> (FileDescriptor, sockaddr_in) {
    let fd = Glibc.socket(AF_INET, CInt(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { throw Errno(rawValue: errno) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    if bound {
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw Errno(rawValue: errno) }
    }
    return (FileDescriptor(rawValue: fd), address)
}

private func sendDatagram(_ to: sockaddr_in, count: Int) throws {
    let (sender, _) = try udpSocket(bound: false)
    defer { closeQuietly(sender) }
    var address = to
    let bytes = [UInt8](repeating: 7, count: count)
    let sent = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            bytes.withUnsafeBytes {
                sendto(sender.rawValue, $0.baseAddress, count, 0, sa, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
    guard sent == count else { throw Errno(rawValue: errno) }
}

@Suite struct DatagramTests {
    @Test(arguments: testBackends)
    func rule1_datagramRecordsFDReadAndReceiveReenablesIt(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (socket, address) = try udpSocket(bound: true)
        defer { closeQuietly(socket) }
        let event = try SocketEvent()
        try notifier.eventSelect(socket, event, [.read, .close])
        try expectNothing(notifier, socket, event)
        try sendDatagram(address, count: 10)
        try sendDatagram(address, count: 20)
        #expect(try waitAndEnum(notifier, socket, event).events == [.read])
        // One datagram per receive; the second is still queued, so FD_READ is recorded again (rule 10).
        #expect(try receive(notifier, socket, count: 100) == 10)
        #expect(try waitAndEnum(notifier, socket, event).events == [.read])
        #expect(try receive(notifier, socket, count: 100) == 20)
        try expectNothing(notifier, socket, event)
    }

    @Test(arguments: testBackends)
    func R58_eventModeRecordsFDWriteForABoundSocketOnly(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (bound, _) = try udpSocket(bound: true)
        let (unbound, _) = try udpSocket(bound: false)
        defer { closeQuietly(bound, unbound) }
        let boundEvent = try SocketEvent()
        let unboundEvent = try SocketEvent()
        try notifier.eventSelect(bound, boundEvent, [.read, .write])
        try notifier.eventSelect(unbound, unboundEvent, [.read, .write])
        #expect(try waitAndEnum(notifier, bound, boundEvent).events == [.write])
        try expectNothing(notifier, unbound, unboundEvent)
    }

    @Test(arguments: testBackends)
    func R58_messageModePostsFDWriteAtOnce(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (unbound, _) = try udpSocket(bound: false)
        defer { closeQuietly(unbound) }
        let queue = try MessageQueue()
        try notifier.asyncSelect(unbound, queue, message: wmSocket, [.read, .write])
        #expect(try queue.next(timeout: mustHappen) == message(wmSocket, unbound, .write))
        #expect(drain(queue) == [])
    }

    /// connect(2) on a datagram socket completes at once: Windows then records FD_CONNECT and
    /// FD_WRITE in event mode, and posts FD_WRITE (again, and no FD_CONNECT) in message mode
    /// (Wine test_connect_events, UDP; docs/SEMANTICS.md rule 4).
    @Test(arguments: testBackends)
    func rule4_datagramConnectRecordsConnectAndWrite_eventMode(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (peer, address) = try udpSocket(bound: true)
        let (socket, _) = try udpSocket(bound: false)
        defer { closeQuietly(peer, socket) }
        let event = try SocketEvent()
        try notifier.eventSelect(socket, event, [.read, .write, .oob, .connect])
        try expectNothing(notifier, socket, event)
        try connectDatagram(notifier, socket, to: address)
        let record = try waitAndEnum(notifier, socket, event)
        #expect(record.events == [.connect, .write])
        #expect(record.error(for: .connect) == nil)
        try expectNothing(notifier, socket, event)
    }

    @Test(arguments: testBackends)
    func rule4_datagramConnectPostsWriteAgain_messageMode(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (peer, address) = try udpSocket(bound: true)
        let (socket, _) = try udpSocket(bound: false)
        defer { closeQuietly(peer, socket) }
        let queue = try MessageQueue()
        try notifier.asyncSelect(socket, queue, message: wmSocket, [.read, .write, .oob, .connect])
        #expect(try queue.next(timeout: mustHappen) == message(wmSocket, socket, .write))
        try connectDatagram(notifier, socket, to: address)
        #expect(try queue.next(timeout: mustHappen) == message(wmSocket, socket, .write))
        #expect(drain(queue) == [])
    }
}

private func connectDatagram(_ notifier: Notifier, _ socket: FileDescriptor, to address: sockaddr_in) throws {
    var address = address
    try withUnsafePointer(to: &address) { pointer in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            try notifier.connect(socket, to: $0, length: socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
}
