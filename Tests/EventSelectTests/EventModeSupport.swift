// Helpers for the event-mode conformance tests (FD*Tests, Reenable, Reselect, ...). Names carry an
// `ev` prefix so they cannot clash with helpers of other test files. No sleeps: every wait is bounded.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// Descriptors a test owns: closed once, at the end (`defer { owned.closeAll() }`) or earlier with
/// `close`, never twice (a second close could hit a number a parallel test has reused).
final class EvOwned {
    private var fds: [CInt] = []

    @discardableResult
    func own(_ fd: FileDescriptor) -> FileDescriptor {
        fds.append(fd.rawValue)
        return fd
    }

    /// A connected pair of stream sockets (`makePair`), both ends owned.
    func pair(_ kind: PairKind) throws -> (FileDescriptor, FileDescriptor) {
        let (a, b) = try makePair(kind)
        own(a)
        own(b)
        return (a, b)
    }

    /// Closes `fd` with Glibc now.
    func close(_ fd: FileDescriptor) {
        guard let index = fds.firstIndex(of: fd.rawValue) else { return }
        fds.remove(at: index)
        _ = Glibc.close(fd.rawValue)
    }

    /// Forgets `fd` without closing it (it was closed some other way, e.g. `Notifier.close`).
    func release(_ fd: FileDescriptor) {
        if let index = fds.firstIndex(of: fd.rawValue) { fds.remove(at: index) }
    }

    /// A listening TCP socket on loopback (`makeListener`), owned, and its address.
    func listener() throws -> (FileDescriptor, sockaddr_in) {
        let (listener, address) = try makeListener()
        own(listener)
        return (listener, address)
    }

    /// A TCP socket connected to `address` with a blocking connect, owned.
    @discardableResult
    func connectedClient(_ address: sockaddr_in) throws -> FileDescriptor {
        let client = own(try tcpSocket())
        try connectBlocking(client, address)
        return client
    }

    func closeAll() {
        for fd in fds { _ = Glibc.close(fd) }
        fds = []
    }
}

let evSingleBits: [NetworkEvents] = [.read, .write, .oob, .accept, .connect, .close]

/// Waits (bounded) until the events read from `socket` add up to at least `expected` (TCP may
/// deliver them in two wake-ups), and returns their union with the errors. The caller compares the
/// union with `expected`, so extra events fail the test.
func evCollect(
    _ notifier: Notifier, _ socket: FileDescriptor, _ event: SocketEvent, _ expected: NetworkEvents,
    timeout: Duration = mustHappen
) throws -> NetworkEventRecord {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var events: NetworkEvents = []
    var errors: [NetworkEvents: Errno] = [:]
    repeat {
        let remaining = max(Duration.zero, clock.now.duration(to: deadline))
        let record = try waitAndEnum(notifier, socket, event, timeout: remaining)
        for bit in evSingleBits where record.events.contains(bit) {
            events.insert(bit)
            if let error = record.error(for: bit) { errors[bit] = error }
        }
    } while !events.isSuperset(of: expected) && clock.now < deadline
    return NetworkEventRecord(events: events, errors: errors)
}

func evDup(_ fd: FileDescriptor) throws -> FileDescriptor {
    let copy = Glibc.dup(fd.rawValue)
    guard copy >= 0 else { throw Errno(rawValue: errno) }
    return FileDescriptor(rawValue: copy)
}

func evIsNonBlocking(_ fd: FileDescriptor) -> Bool {
    fcntl(fd.rawValue, F_GETFL) & O_NONBLOCK != 0
}

func evIsOpen(_ fd: FileDescriptor) -> Bool {
    fcntl(fd.rawValue, F_GETFD) != -1
}

func evSetOption(_ fd: FileDescriptor, _ level: CInt, _ name: CInt, _ value: CInt) throws {
    var value = value
    guard setsockopt(fd.rawValue, level, name, &value, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
        throw Errno(rawValue: errno)
    }
}

/// A stream socket that was never connected: AF_UNIX or TCP.
func evUnconnectedStreamSocket(_ kind: PairKind) throws -> FileDescriptor {
    let fd = Glibc.socket(kind == .unix ? AF_UNIX : AF_INET, CInt(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Errno(rawValue: errno) }
    return FileDescriptor(rawValue: fd)
}

/// poll(2) for `events` on `fd`, bounded.
func evPoll(_ fd: FileDescriptor, _ events: CInt = CInt(POLLIN), timeout: Duration = mustHappen) -> Bool {
    var pfd = pollfd(fd: fd.rawValue, events: Int16(events), revents: 0)
    let ms =
        timeout == .zero
        ? 0 : CInt(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
    return poll(&pfd, 1, ms) == 1
}

/// Whether the peer `fd` sees end of stream (bounded wait, non-blocking read).
func evSeesEOF(_ fd: FileDescriptor, timeout: Duration = mustHappen) -> Bool {
    guard evPoll(fd, CInt(POLLIN), timeout: timeout) else { return false }
    var byte: UInt8 = 0
    return recv(fd.rawValue, &byte, 1, CInt(MSG_DONTWAIT) | CInt(MSG_PEEK)) == 0
}

/// Sends through the notifier until the send fails with EWOULDBLOCK (the re-enabling failure of
/// FD_WRITE); returns the bytes sent. The socket must be non-blocking (selected).
func evFillSendBuffer(_ notifier: Notifier, _ socket: FileDescriptor) throws -> Int {
    var total = 0
    for _ in 0..<100_000 {
        do {
            total += try send(notifier, socket, count: 65536)
        } catch let error as Errno where error == .wouldBlock {
            return total
        }
    }
    throw SocketError(description: "send buffer never filled")
}

/// Reads exactly `count` bytes from a plain (peer) descriptor, bounded by `mustHappen` per chunk.
func evDrain(_ fd: FileDescriptor, count: Int) throws {
    var left = count
    var buffer = [UInt8](repeating: 0, count: 65536)
    while left > 0 {
        guard evPoll(fd, CInt(POLLIN)) else { throw SocketError(description: "drain: \(left) bytes never came") }
        let n = buffer.withUnsafeMutableBytes {
            recv(fd.rawValue, $0.baseAddress, min(left, 65536), CInt(MSG_DONTWAIT))
        }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
        guard n > 0 else { throw SocketError(description: "drain: recv \(n) errno \(errno)") }
        left -= n
    }
}

/// A descriptor number that is closed now and that ordinary allocation (lowest free number) will
/// not hand out to a parallel test: a high free number, opened and closed again.
func evClosedDescriptor() throws -> FileDescriptor {
    var limit = rlimit()
    getrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit)
    let high = CInt(clamping: min(UInt64(limit.rlim_cur), 1 << 20)) - 64
    let probe = Glibc.open("/dev/null", O_RDONLY)
    guard probe >= 0 else { throw Errno(rawValue: errno) }
    defer { _ = Glibc.close(probe) }
    let fd = fcntl(probe, F_DUPFD, max(high, 512))
    guard fd >= 0 else { throw Errno(rawValue: errno) }
    _ = Glibc.close(fd)
    return FileDescriptor(rawValue: fd)
}

/// A descriptor number that was never opened (beyond any limit).
let evNeverOpened = FileDescriptor(rawValue: 1_999_999_999)

/// A receive buffer whose memory is not mapped: recv(2) fails with EFAULT.
func evBadBuffer() -> UnsafeMutableRawBufferPointer {
    UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: 16), count: 64)
}

/// POLLRDHUP (0x2000), not exported by Glibc's Swift overlay.
let evPOLLRDHUP: CInt = 0x2000

/// Moves `fd` to a high free number (the original number is closed), so that the test can close it
/// and put another file at that number with dup2 without racing a parallel test's allocations.
func evMoveHigh(_ fd: FileDescriptor) throws -> FileDescriptor {
    var limit = rlimit()
    getrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit)
    let base = CInt(clamping: min(UInt64(limit.rlim_cur), 1 << 20)) / 2
    // A random start, so parallel tests moving descriptors do not land next to each other.
    let start = max(base, 256) + CInt.random(in: 0..<max(1, base / 2))
    let high = fcntl(fd.rawValue, F_DUPFD, start)
    guard high >= 0 else { throw Errno(rawValue: errno) }
    _ = Glibc.close(fd.rawValue)
    return FileDescriptor(rawValue: high)
}
