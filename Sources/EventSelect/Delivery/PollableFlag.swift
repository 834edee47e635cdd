import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// A level flag (raised / lowered) that can also be waited on through an eventfd and from async code.
///
/// The flag itself is an atomic, so raising and testing it costs no syscall. The eventfd mirrors the
/// flag only while someone may be polling it: once the fd has been handed to a user (`expose`, for
/// good) or while an EventSelect wait is blocked in ppoll (`beginPoll`/`endPoll`). That keeps the
/// event-object hot path (set by the notifier, tested and reset by the same thread) free of eventfd
/// writes and reads, while the fd is still readable exactly while the flag is raised whenever anyone
/// can look. Shared by `SocketEvent` (set/reset) and `MessageQueue` (non-empty/empty).
final class PollableFlag: Sendable {
    /// The eventfd; owned here, closed in deinit.
    let fd: CInt
    /// The flag itself: the truth, read and written without the lock.
    private let raisedBit = Atomic<Bool>(false)
    /// Who may look other than through `isRaised`: 1 once exposed, plus EventSelect waits polling
    /// the fd, plus async waiters. While it is zero, raising and lowering touch only `raisedBit` (the
    /// event-object hot path: set by delivery, tested and reset by the same thread). Both sides use
    /// sequentially consistent order (flag then observers, observers then flag), so a new observer
    /// and a raise or lower that races with it always meet: one of them sees the other.
    private let observers = Atomic<Int>(0)
    private let state = Mutex(State())

    private struct State {
        var exposed = false
        var pollers = 0
        var fdReadable = false
        var continuations: [CheckedContinuation<Void, Never>] = []

        var mirrored: Bool { exposed || pollers > 0 }
    }

    init() throws(Errno) {
        fd = try syscall { CEventSelect_eventfd() }
    }

    deinit {
        Glibc.close(fd)
    }

    /// Whether the flag is raised: one atomic load.
    var isRaised: Bool { raisedBit.load(ordering: .acquiring) }

    /// Raises the flag; wakes async waiters and, if mirrored, makes the fd readable.
    /// - Returns: whether it was lowered before.
    @discardableResult
    func raise() -> Bool {
        if raisedBit.load(ordering: .relaxed) { return false }
        if raisedBit.exchange(true, ordering: .sequentiallyConsistent) { return false }
        if observers.load(ordering: .sequentiallyConsistent) == 0 { return true }
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            mirror(&state)
            if state.continuations.isEmpty { return [] }
            defer { state.continuations.removeAll() }
            observers.subtract(state.continuations.count, ordering: .sequentiallyConsistent)
            return state.continuations
        }
        for waiter in waiters { waiter.resume() }
        return true
    }

    /// Lowers the flag and, if mirrored, makes the fd unreadable.
    func lower() {
        if !raisedBit.load(ordering: .relaxed) { return }
        if !raisedBit.exchange(false, ordering: .sequentiallyConsistent) { return }
        if observers.load(ordering: .sequentiallyConsistent) == 0 { return }
        state.withLock { state in mirror(&state) }
    }

    /// Hands the fd out for good: from now on it always mirrors the flag.
    func expose() -> CInt {
        state.withLock { state in
            if !state.exposed {
                state.exposed = true
                observers.add(1, ordering: .sequentiallyConsistent)
            }
            mirror(&state)
        }
        return fd
    }

    /// An EventSelect wait is about to ppoll the fd: mirror the flag until `endPoll`.
    func beginPoll() {
        state.withLock { state in
            state.pollers += 1
            observers.add(1, ordering: .sequentiallyConsistent)
            mirror(&state)
        }
    }

    func endPoll() {
        state.withLock { state in
            state.pollers -= 1
            assert(state.pollers >= 0, "unbalanced PollableFlag.endPoll")
            observers.subtract(1, ordering: .sequentiallyConsistent)
            mirror(&state)
        }
    }

    /// Suspends until the flag is raised (returns at once if it is).
    func waitRaised() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                observers.add(1, ordering: .sequentiallyConsistent)
                if raisedBit.load(ordering: .sequentiallyConsistent) {
                    observers.subtract(1, ordering: .sequentiallyConsistent)
                    return true
                }
                state.continuations.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Brings the eventfd in line with the flag when it is mirrored, and empties it when it is not
    /// (so a later mirror starts from a known state). Under the lock, so mirrors are ordered; each
    /// reads the flag afresh, so the last one leaves the fd matching the flag.
    private func mirror(_ state: inout State) {
        let wanted = raisedBit.load(ordering: .sequentiallyConsistent) && state.mirrored
        guard wanted != state.fdReadable else { return }
        do {
            if wanted {
                try syscall { CEventSelect_eventfd_signal(fd) }
            } else {
                try syscall { CEventSelect_eventfd_drain(fd) }
            }
        } catch {
            // EAGAIN on drain means it was already empty; anything else on our own eventfd is a bug.
            assert(error == .wouldBlock || error == .resourceTemporarilyUnavailable, "eventfd: \(error)")
        }
        state.fdReadable = wanted
    }
}
