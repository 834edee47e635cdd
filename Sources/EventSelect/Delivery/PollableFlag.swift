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
        var waiters: [AsyncWaiter] = []

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
        let waiters = state.withLock { state -> [AsyncWaiter] in
            mirror(&state)
            if state.waiters.isEmpty { return [] }
            defer { state.waiters.removeAll() }
            observers.subtract(state.waiters.count, ordering: .sequentiallyConsistent)
            return state.waiters
        }
        for waiter in waiters { waiter.wake() }
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

    /// Suspends until one of `flags` is raised, the task is cancelled, or `timeout` passes (nil:
    /// never); returns at once if one is raised already. The caller looks at the flags afterwards:
    /// returning says only that waiting is over.
    static func waitAnyRaised(_ flags: [PollableFlag], timeout: Duration?) async {
        if Task.isCancelled || flags.contains(where: { $0.isRaised }) { return }
        let waiter = AsyncWaiter()
        // The timer is a plain task that wakes the waiter; it is cancelled as soon as the wait ends,
        // so a long timeout leaves nothing behind.
        let timer = timeout.map { timeout in
            Task {
                try? await Task.sleep(for: timeout)
                waiter.wake()
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                waiter.install(continuation)
                for flag in flags where !flag.add(waiter) {
                    waiter.wake()
                    break
                }
            }
        } onCancel: {
            waiter.wake()
        }
        timer?.cancel()
        for flag in flags { flag.remove(waiter) }
    }

    /// Registers `waiter` to be woken when the flag is raised; it counts as an observer until woken
    /// or removed.
    /// - Returns: false, registering nothing, when the flag is raised already.
    private func add(_ waiter: AsyncWaiter) -> Bool {
        state.withLock { state in
            observers.add(1, ordering: .sequentiallyConsistent)
            if raisedBit.load(ordering: .sequentiallyConsistent) {
                observers.subtract(1, ordering: .sequentiallyConsistent)
                return false
            }
            state.waiters.append(waiter)
            return true
        }
    }

    private func remove(_ waiter: AsyncWaiter) {
        state.withLock { state in
            let before = state.waiters.count
            state.waiters.removeAll { $0 === waiter }
            observers.subtract(before - state.waiters.count, ordering: .sequentiallyConsistent)
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

/// One suspended async wait: its continuation is resumed exactly once, by whichever comes first of a
/// flag being raised, the task's cancellation, or its timer. A wake that comes before the
/// continuation is installed is remembered, so none is lost.
final class AsyncWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, Never>?
        var woken = false
    }

    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<Void, Never>) {
        let resumeNow = state.withLock { state in
            if state.woken { return true }
            state.continuation = continuation
            return false
        }
        if resumeNow { continuation.resume() }
    }

    func wake() {
        let continuation = state.withLock { state in
            state.woken = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }
}
