import CEventSelect
import SystemPackage

/// What a notifier needs from the kernel: arm a socket once, disarm it, and wait for readiness.
///
/// The generic `Notifier` does all the bookkeeping (registry, record, re-enabling, delivery); a
/// backend only arms, disarms and waits. Readiness is reported as poll(2) bits (`POLLIN`, `POLLOUT`,
/// `POLLPRI`, `POLLERR`, `POLLHUP`, `POLLRDHUP`) with the token given to `arm(_:token:)`. An armed
/// socket reports every wake-up of the socket (edge style, never level): the interest set never
/// changes, so selecting, cancelling and re-enabling never touch the kernel's interest list.
protocol Backend: AnyObject, Sendable {
    /// `.epoll` or `.ioUring`.
    var kind: NotifierBackend { get }
    /// A descriptor readable while readiness is waiting to be reaped.
    var readinessFD: CInt { get }
    /// The epoll set sockets are armed in (both backends keep their interest set in epoll):
    /// registrations hold it directly, so closing and sweeping need no existential dispatch.
    var interestSet: EpollBackend { get }
    /// Arms `fd`. Arming a socket that is already armed through the same descriptor is not an error.
    func arm(_ fd: CInt, token: UInt64) throws(Errno)
    /// Disarms what `arm` set up through `fd`. (A socket whose descriptor is closed while its
    /// registration goes on, docs/SEMANTICS.md rule 17, needs nothing: the kernel keeps the entry,
    /// keyed by the open file, until the socket's last close.)
    func disarm(_ fd: CInt) throws(Errno)
    /// Reaps what is ready now, without waiting, calling `handle(token, pollBits)` for each.
    /// Returns the number handled. (Waiting is ppoll on `readinessFD`, done by the caller.)
    /// `afterWake`: ppoll just found `readinessFD` readable, so look even if a cheaper check says
    /// nothing is ready.
    func reap(afterWake: Bool, _ handle: (UInt64, UInt32) -> Void) throws(Errno) -> Int
    /// Watches an internal descriptor (the kick channel) for readability, reporting `token`.
    func watch(_ fd: CInt, token: UInt64) throws(Errno)
    /// Whether the socket armed through fd number `fd` (closed since) is still armed, i.e. still
    /// alive; nil when the kernel cannot tell.
    func isStillArmed(_ fd: CInt) -> Bool?
    /// The tokens of every socket the kernel still has armed (nil if it cannot tell), for sweeping
    /// out registrations of sockets that are gone.
    func liveTokens() -> Set<UInt64>?
}

/// Tokens: the registration's slot in the low 32 bits, its generation in the high 32, so a
/// readiness report for a slot that has since been reused is recognised as stale and dropped.
struct Token: Equatable {
    var slot: UInt32
    var generation: UInt32

    init(slot: UInt32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }

    init(_ raw: UInt64) {
        slot = UInt32(truncatingIfNeeded: raw)
        generation = UInt32(truncatingIfNeeded: raw >> 32)
    }

    var raw: UInt64 { UInt64(generation) << 32 | UInt64(slot) }

    /// The token of the io_uring backend's poll of its epoll set.
    static let epollSet = Token(slot: .max - 1, generation: .max)
    /// The token of the process's doorbell (`Doorbell`).
    static let kick = Token(slot: .max - 2, generation: .max)
}
