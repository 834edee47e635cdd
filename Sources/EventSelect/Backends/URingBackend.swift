import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// The io_uring backend: the sockets' interest set is an epoll set, and the ring tells, without a
/// syscall, whether anything became ready since the set was last found empty.
///
/// Measured here before settling on this shape, arming each socket with its own multishot
/// POLL_ADD fails Winsock semantics twice:
/// - a poll completion carries the wake-up key, not the socket's state (data arriving wakes with
///   POLLIN|POLLPRI, which reads as FD_OOB), and a completion queued before a re-enabling call is
///   reaped after it (a stale POLLIN or POLLOUT records FD_READ or FD_WRITE that no longer hold);
/// - a poll request holds a reference to the socket's file, so a socket closed with close(2)
///   behind EventSelect's back would never end and its peer would never see FIN (docs/SEMANTICS.md rule 17).
/// epoll recomputes readiness when it is reaped and holds no reference, so the interest set stays
/// an epoll set (`EpollBackend`, whose semantics this backend shares by construction).
///
/// The ring holds one single-shot POLL_ADD on the epoll descriptor, armed (by the thread that
/// created the ring) only after an `epoll_wait` found nothing. The ring is created with
/// SINGLE_ISSUER | DEFER_TASKRUN | TASKRUN_FLAG: when the poll fires, the kernel only sets a flag in
/// the shared ring (IORING_SQ_TASKRUN) and keeps the completion for the creating thread. So:
/// - while the poll is pending and the flag is clear, nothing is ready: a check costs no syscall
///   (epoll needs an `epoll_wait` to say "nothing");
/// - while events keep coming the poll stays disarmed and each reap is one `epoll_wait`, as with
///   epoll (a multishot poll would cost a completion on every wake-up: measured 1.5x epoll on W1);
/// - the ring never notifies a thread (default io_uring task work sets TIF_NOTIFY_SIGNAL on the
///   arming thread, which interrupts its syscalls and makes a receive at a TCP urgent mark fail
///   with EAGAIN: found by the test suite).
/// Arming polls the epoll descriptor at once, so readiness arriving between the empty
/// `epoll_wait` and the arming completes it immediately; nothing is missed. Other threads never
/// arm or collect: they see the flag and call `epoll_wait`.
final class URingBackend: Backend, @unchecked Sendable {
    // @unchecked: the ring pointer is only used under `ringLock`.
    let kind = NotifierBackend.ioUring
    private let interest: EpollBackend
    private let ring: OpaquePointer
    /// Whether the single-shot poll on the epoll descriptor is pending.
    private let ringLock = Mutex<Bool>(false)
    /// The thread allowed to submit and collect (SINGLE_ISSUER).
    private let creator = pthread_self()
    /// The kernel kept completions for the creator (DEFER_TASKRUN): the free check works.
    private let deferred: Bool

    private static let epollToken = Token.epollSet.raw
    /// Completions wait in the ring until the creating thread asks for them, so the ring never sets
    /// TIF_NOTIFY_SIGNAL on a thread (which would interrupt its syscalls, or make a receive at a
    /// TCP urgent mark fail with EAGAIN), and a pending one shows as a flag readable without a syscall.
    private static let deferredFlags = UInt32(
        CEventSelect_IORING_SETUP_SINGLE_ISSUER | CEventSelect_IORING_SETUP_DEFER_TASKRUN
            | CEventSelect_IORING_SETUP_TASKRUN_FLAG)

    /// The kernel holds completion work for the creating thread (always "maybe" without
    /// DEFER_TASKRUN).
    private var workPending: Bool {
        !deferred || CEventSelect_uring_sq_flags(ring) & UInt32(CEventSelect_IORING_SQ_TASKRUN) != 0
    }

    init() throws(Errno) {
        if let simulated = ProcessEnvironment.simulatedURingError { throw simulated }
        var created: OpaquePointer?
        do {
            try syscall { CEventSelect_uring_create(8, URingBackend.deferredFlags, &created) }
            deferred = true
        } catch .invalidArgument {
            // A kernel before 6.1 does not know these flags: a plain ring, whose free check always
            // says "look" (each reap is then one epoll_wait, as with the epoll backend).
            try syscall { CEventSelect_uring_create(8, 0, &created) }
            deferred = false
        }
        guard let created else { throw .noMemory }
        self.ring = created
        do {
            interest = try EpollBackend()
        } catch {
            CEventSelect_uring_destroy(ring)
            throw error
        }
    }

    deinit {
        CEventSelect_uring_destroy(ring)
    }

    var readinessFD: CInt { interest.readinessFD }
    var interestSet: EpollBackend { interest }

    func arm(_ fd: CInt, token: UInt64) throws(Errno) { try interest.arm(fd, token: token) }
    func disarm(_ fd: CInt) throws(Errno) { try interest.disarm(fd) }
    func watch(_ fd: CInt, token: UInt64) throws(Errno) { try interest.watch(fd, token: token) }
    func liveTokens() -> Set<UInt64>? { interest.liveTokens() }
    func isStillArmed(_ fd: CInt) -> Bool? { interest.isStillArmed(fd) }

    func reap(afterWake: Bool, _ handle: (UInt64, UInt32) -> Void) throws(Errno) -> Int {
        let onCreator = pthread_equal(pthread_self(), creator) != 0
        // The free check: the poll is pending and the kernel has flagged nothing since.
        let quiet = ringLock.withLock { armed -> Bool in
            guard armed else { return false }
            if !workPending { return true }
            // The poll fired. The creator collects its completion, so that it can arm again later.
            if onCreator {
                // Fails only with ENOMEM or through a bug; the completion is then collected later.
                do throws(Errno) {
                    try syscall { CEventSelect_uring_get_events(ring) }
                } catch {
                    assert(error == .noMemory, "EventSelect: io_uring_get_events: \(error)")
                }
                if completed() { armed = false }
            }
            return false
        }
        if quiet && !afterWake { return 0 }
        let handled = try interest.reap(afterWake: afterWake, handle)
        if handled == 0 && onCreator && deferred {
            try ringLock.withLock { armed throws(Errno) in
                guard !armed else { return }
                try syscall {
                    CEventSelect_uring_poll_add(ring, interest.epollFD, URingBackend.epollToken, UInt32(POLLIN))
                }
                try syscall { CEventSelect_uring_submit(ring) }
                armed = true
            }
        }
        return handled
    }

    /// Takes the ring's completions (under the lock); whether the poll completed.
    private func completed() -> Bool {
        var done = false
        withUnsafeTemporaryAllocation(of: CEventSelect_readiness.self, capacity: 4) { buffer in
            while true {
                let count = Int(CEventSelect_uring_reap(ring, buffer.baseAddress, CInt(buffer.count)))
                for index in 0..<count where buffer[index].token == URingBackend.epollToken { done = true }
                if count < buffer.count { break }
            }
        }
        return done
    }
}
