import CEventSelect
import Glibc
import SystemPackage

/// The one place that reads `errno`: runs `body` until it stops failing with EINTR, and turns a `-1`
/// result into a thrown `Errno`. Every raw syscall in EventSelect goes through here, `syscallResult`
/// or `syscallOnce` (the C shim returns -1 with errno throughout, liburing's calls included).
@inline(__always)
@discardableResult
func syscall<T: FixedWidthInteger>(_ body: () -> T) throws(Errno) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw Errno(rawValue: code)
    }
}

/// `syscall` for calls whose failure must not skip the work that follows (the re-enabling calls
/// re-enable even when their syscall fails, docs/SEMANTICS.md rule 9): the result or the Errno,
/// EINTR retried. A typed `Result` of a trivial type: no allocation, no existential.
@inline(__always)
func syscallResult<T: FixedWidthInteger>(_ body: () -> T) -> Result<T, Errno> {
    while true {
        let result = body()
        if result != -1 { return .success(result) }
        let code = errno
        if code == EINTR { continue }
        return .failure(Errno(rawValue: code))
    }
}

/// A call that must not be repeated on EINTR (close(2): the descriptor is gone either way; connect(2):
/// the connection goes on; ppoll(2): a wake): nil on success, else the Errno, EINTR included.
@inline(__always)
func syscallOnce(_ body: () -> CInt) -> Errno? {
    if body() != -1 { return nil }
    return Errno(rawValue: errno)
}

/// The process `pid` exists (kill(pid, 0) succeeds or is refused with EPERM).
@inline(__always)
func processExists(_ pid: pid_t) -> Bool {
    guard pid > 0 else { return false }  // never a process group: pids come from shared memory too
    if kill(pid, 0) == 0 { return true }
    return errno == EPERM
}

/// A descriptor EventSelect created and owns: EBADF on it is a bug, not user error.
@inline(__always)
func assertOwned(_ error: Errno, _ what: StaticString) {
    assert(error != .badFileDescriptor, "EventSelect closed its own \(what) descriptor too early")
}

/// poll(2) of one descriptor with a zero timeout: the level check behind docs/SEMANTICS.md rules 8 and 10.
@inline(__always)
func levelCheck(_ fd: CInt, _ events: Int16 = Int16(POLLIN | POLLPRI | POLLOUT) | Int16(CEventSelect_POLLRDHUP))
    throws(Errno) -> UInt32
{
    var entry = pollfd(fd: fd, events: events, revents: 0)
    try syscall { poll(&entry, 1, 0) }
    if entry.revents & Int16(POLLNVAL) != 0 { throw .badFileDescriptor }
    return UInt32(UInt16(bitPattern: entry.revents))
}

/// An `Int32` socket option.
@inline(__always)
func socketOption(_ fd: CInt, _ level: CInt, _ name: CInt) throws(Errno) -> CInt {
    var value: CInt = 0
    var length = socklen_t(MemoryLayout<CInt>.size)
    try syscall { getsockopt(fd, level, name, &value, &length) }
    return value
}

/// Bytes waiting in the receive queue (FIONREAD); an EOF alone counts zero.
@inline(__always)
func bytesReadable(_ fd: CInt) throws(Errno) -> CInt {
    var count: CInt = 0
    try syscall { ioctl(fd, UInt(FIONREAD), &count) }
    return count
}

extension Duration {
    /// Nanoseconds, saturating; negative durations count as zero.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        if seconds >= Int64.max / 1_000_000_000 { return Int64.max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// A monotonic deadline for bounded waits.
struct Deadline {
    let nanoseconds: Int64?  // nil: forever

    init(_ timeout: Duration?) {
        if let timeout {
            let budget = timeout.clampedNanoseconds
            let now = Deadline.now()
            nanoseconds = budget > Int64.max - now ? Int64.max : now + budget
        } else {
            nanoseconds = nil
        }
    }

    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Nanoseconds left (0 when passed), or nil for forever.
    var remaining: Int64? {
        guard let nanoseconds else { return nil }
        return max(0, nanoseconds - Deadline.now())
    }
}

/// ppoll(2) over `fds` until one is ready or `nanoseconds` pass (nil: forever). EINTR counts as a wake.
func waitReadable(_ fds: UnsafeMutableBufferPointer<pollfd>, nanoseconds: Int64?) throws(Errno) {
    let error = syscallOnce { CEventSelect_ppoll(fds.baseAddress, UInt(fds.count), nanoseconds ?? -1) }
    if let error, error != .interrupted { throw error }
}
