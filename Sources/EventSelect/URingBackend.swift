import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// The io_uring backend: the sockets' interest set is an epoll set, and the ring waits on it.
///
/// Measured here before settling on this shape, arming each socket with its own multishot
/// POLL_ADD fails Winsock semantics twice:
/// - a poll completion carries the wake-up key, not the socket's state (data arriving wakes with
///   POLLIN|POLLPRI, which reads as FD_OOB), and a completion queued before a re-enabling call is
///   reaped after it (a stale POLLIN or POLLOUT records FD_READ or FD_WRITE that no longer hold);
/// - a poll request holds a reference to the socket's file, so a socket closed with close(2)
///   behind EventSelect's back would never end and its peer would never see FIN (SPEC rule 17).
/// epoll recomputes readiness when it is reaped and holds no reference, so the interest set stays
/// an epoll set (`EpollBackend`, whose semantics this backend shares by construction), and the ring
/// keeps one multishot poll on the epoll descriptor. What io_uring buys then: an inline check that
/// finds nothing ready costs no syscall, because "no completion in the ring" is read from shared
/// memory, where epoll needs an `epoll_wait` to say "nothing".
final class URingBackend: Backend, @unchecked Sendable {
    // @unchecked: the ring pointer is only used under `ringLock`.
    let kind = NotifierBackend.ioUring
    private let interest: EpollBackend
    private let ring: OpaquePointer
    private let ringLock = Mutex<RingState>(RingState())

    private struct RingState {
        /// The multishot poll on the epoll descriptor is armed (false after the kernel ended it).
        var armed = false
        /// The last reap filled its buffer: more may be ready without a new wake-up.
        var moreReady = true
    }

    private static let epollToken = Token.epollSet.raw

    init() throws(Errno) {
        guard let ring = CEventSelect_uring_create(64) else { throw Errno(rawValue: errno) }
        self.ring = ring
        do {
            interest = try EpollBackend()
        } catch {
            CEventSelect_uring_destroy(ring)
            throw error
        }
        try ringLock.withLock { state throws(Errno) in try rearm(&state) }
    }

    deinit {
        CEventSelect_uring_destroy(ring)
    }

    var readinessFD: CInt { interest.readinessFD }

    func arm(_ fd: CInt, token: UInt64) throws(Errno) { try interest.arm(fd, token: token) }
    func disarm(_ fd: CInt, token: UInt64) throws(Errno) { try interest.disarm(fd, token: token) }
    func orphan(_ fd: CInt, token: UInt64) throws(Errno) { try interest.orphan(fd, token: token) }
    func watch(_ fd: CInt, token: UInt64) throws(Errno) { try interest.watch(fd, token: token) }
    func liveTokens() -> Set<UInt64>? { interest.liveTokens() }
    func isStillArmed(_ fd: CInt) -> Bool? { interest.isStillArmed(fd) }

    func reap(_ handle: (UInt64, UInt32) -> Void) throws(Errno) -> Int {
        // The free check: no completion and nothing left over means nothing is ready.
        guard try ringLock.withLock({ state throws(Errno) -> Bool in try consume(&state) }) else { return 0 }
        let handled = try interest.reap(handle)
        ringLock.withLock { $0.moreReady = handled >= EpollBackend.batch }
        return handled
    }

    /// Takes the ring's completions; returns whether the epoll set may have something ready.
    private func consume(_ state: inout RingState) throws(Errno) -> Bool {
        var woken = false
        try withUnsafeTemporaryAllocation(of: CEventSelect_readiness.self, capacity: 16) { buffer throws(Errno) in
            while true {
                let count = Int(CEventSelect_uring_reap(ring, buffer.baseAddress, CInt(buffer.count)))
                for index in 0..<count where buffer[index].token == URingBackend.epollToken {
                    woken = true
                    if buffer[index].reserved & UInt32(CEventSelect_URING_MORE) == 0 { state.armed = false }
                }
                if count < buffer.count { break }
            }
        }
        if !state.armed {
            try rearm(&state)
            woken = true
        }
        return woken || state.moreReady
    }

    private func rearm(_ state: inout RingState) throws(Errno) {
        try uringResult(CEventSelect_uring_poll_add(ring, interest.epollFD, URingBackend.epollToken, UInt32(POLLIN)))
        try uringResult(CEventSelect_uring_submit(ring))
        state.armed = true
    }
}
