// Shared fixtures: real sockets (AF_UNIX socketpairs and TCP over 127.0.0.1), backends to run
// every test against, and bounded waits. No sleeps anywhere: waits are on events with timeouts.
import EventSelect
import Glibc
import Synchronization
import SystemPackage
import Testing

/// How long a test waits for something that must happen. Generous: CI machines are slow; the wait
/// ends as soon as the thing happens.
let mustHappen: Duration = .seconds(5)

/// Backends every behaviour test runs against: epoll always, io_uring where the kernel allows it.
let testBackends: [NotifierBackend] = {
    var backends: [NotifierBackend] = [.epoll]
    if (try? Notifier(backend: .ioUring)) != nil { backends.append(.ioUring) }
    return backends
}()

enum PairKind: CaseIterable, CustomStringConvertible {
    case unix, tcp
    var description: String { self == .unix ? "AF_UNIX" : "TCP" }
}

struct SocketError: Error, CustomStringConvertible {
    var description: String
}

/// A connected pair of stream sockets; both blocking until selected.
func makePair(_ kind: PairKind) throws -> (FileDescriptor, FileDescriptor) {
    switch kind {
    case .unix:
        var sv: [CInt] = [0, 0]
        guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &sv) == 0 else { throw Errno(rawValue: errno) }
        return (FileDescriptor(rawValue: sv[0]), FileDescriptor(rawValue: sv[1]))
    case .tcp:
        let (listener, address) = try makeListener()
        defer { _ = Glibc.close(listener.rawValue) }
        let client = try tcpSocket()
        try connectBlocking(client, address)
        let server = Glibc.accept(listener.rawValue, nil, nil)
        guard server >= 0 else { throw Errno(rawValue: errno) }
        return (FileDescriptor(rawValue: server), client)
    }
}

/// A plain TCP socket (blocking).
func tcpSocket() throws -> FileDescriptor {
    let fd = Glibc.socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Errno(rawValue: errno) }
    return FileDescriptor(rawValue: fd)
}

/// A TCP listener on 127.0.0.1 with an ephemeral port, and its address.
func makeListener(backlog: CInt = 16) throws -> (FileDescriptor, sockaddr_in) {
    let fd = try tcpSocket()
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            bind(fd.rawValue, sa, length) == 0 && listen(fd.rawValue, backlog) == 0
                && getsockname(fd.rawValue, sa, &length) == 0
        }
    }
    guard ok else { throw Errno(rawValue: errno) }
    return (fd, address)
}

/// A blocking connect(2) with Glibc.
func connectBlocking(_ fd: FileDescriptor, _ address: sockaddr_in) throws {
    var address = address
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.connect(fd.rawValue, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard rc == 0 else { throw Errno(rawValue: errno) }
}

/// `notifier.connect` to a sockaddr_in.
func connect(_ notifier: Notifier, _ fd: FileDescriptor, _ address: sockaddr_in) throws {
    var address = address
    try withUnsafePointer(to: &address) {
        try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            try notifier.connect(fd, to: $0, length: socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
}

/// A loopback address nobody listens on (bound and closed, so connecting is refused).
func refusedAddress() throws -> sockaddr_in {
    let (listener, address) = try makeListener()
    _ = Glibc.close(listener.rawValue)
    return address
}

/// Writes `count` bytes with Glibc (not through a notifier: the peer's side is plain).
@discardableResult
func rawSend(_ fd: FileDescriptor, count: Int = 1, flags: CInt = 0) throws -> Int {
    let bytes = [UInt8](repeating: 0x5A, count: count)
    let n = bytes.withUnsafeBytes { Glibc.send(fd.rawValue, $0.baseAddress, count, flags | CInt(MSG_NOSIGNAL)) }
    guard n >= 0 else { throw Errno(rawValue: errno) }
    return n
}

/// Reads up to `count` bytes with Glibc.
@discardableResult
func rawReceive(_ fd: FileDescriptor, count: Int, flags: CInt = 0) throws -> Int {
    var bytes = [UInt8](repeating: 0, count: count)
    let n = bytes.withUnsafeMutableBytes { Glibc.recv(fd.rawValue, $0.baseAddress, count, flags) }
    guard n >= 0 else { throw Errno(rawValue: errno) }
    return n
}

/// `notifier.receive` of up to `count` bytes.
@discardableResult
func receive(_ notifier: Notifier, _ fd: FileDescriptor, count: Int, flags: CInt = 0) throws -> Int {
    var bytes = [UInt8](repeating: 0, count: count)
    return try bytes.withUnsafeMutableBytes { try notifier.receive(fd, into: $0, flags: flags) }
}

/// `notifier.send` of `count` bytes.
@discardableResult
func send(_ notifier: Notifier, _ fd: FileDescriptor, count: Int, flags: CInt = 0) throws -> Int {
    let bytes = [UInt8](repeating: 0x33, count: count)
    return try bytes.withUnsafeBytes { try notifier.send(fd, $0, flags: flags) }
}

/// Closes with an RST: SO_LINGER {1, 0} then close.
func abortiveClose(_ fd: FileDescriptor) {
    var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
    _ = setsockopt(fd.rawValue, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    _ = Glibc.close(fd.rawValue)
}

/// Event mode check, as Wine's `check_events`: waits up to `timeout` for the event, then reads the
/// record (resetting the event) and returns it.
func waitAndEnum(
    _ notifier: Notifier, _ socket: FileDescriptor, _ event: SocketEvent, timeout: Duration = mustHappen
) throws -> NetworkEventRecord {
    _ = try SocketEvent.waitAny([event], timeout: timeout)
    return try notifier.enumNetworkEvents(socket, resetting: event)
}

/// "Nothing recorded": the event is not set and the record is empty.
func expectNothing(
    _ notifier: Notifier, _ socket: FileDescriptor, _ event: SocketEvent,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(try SocketEvent.waitAny([event], timeout: .zero) == nil, sourceLocation: sourceLocation)
    #expect(try notifier.enumNetworkEvents(socket, resetting: event).events == [], sourceLocation: sourceLocation)
}

/// Message mode: takes every message queued now (after delivering what the kernel reported).
func drain(_ queue: MessageQueue) -> [SocketMessage] {
    var messages: [SocketMessage] = []
    while let message = queue.poll() { messages.append(message) }
    return messages
}

func closeQuietly(_ fds: FileDescriptor...) {
    for fd in fds { _ = Glibc.close(fd.rawValue) }
}

/// Held while a test process spawns a child (PeerProcess) and while a test closes sockets and then
/// asserts that the close was their last: between clone and exec a spawned child holds a copy of
/// every descriptor of the test process (its sockets are not close-on-exec), so a close made in
/// that window is not a socket's last close. `posix_spawn` returns after the exec.
let spawnLock = Mutex(())
