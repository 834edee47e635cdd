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
    private let raisedBit = Atomic<Bool>(false)
    private let state = Mutex(State())

    private struct State {
        var raised = false
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
        let waiters: [AsyncWaiter]? = state.withLock { state in
            guard !state.raised else { return nil }
            state.raised = true
            raisedBit.store(true, ordering: .releasing)
            Self.mirror(&state, fd)
            if state.waiters.isEmpty { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.wake() }
        return true
    }

    /// Lowers the flag and, if mirrored, makes the fd unreadable.
    func lower() {
        if !raisedBit.load(ordering: .relaxed) { return }
        state.withLock { state in
            state.raised = false
            raisedBit.store(false, ordering: .releasing)
            Self.mirror(&state, fd)
        }
    }

    /// Hands the fd out for good: from now on it always mirrors the flag.
    func expose() -> CInt {
        state.withLock { state in
            state.exposed = true
            Self.mirror(&state, fd)
        }
        return fd
    }

    /// An EventSelect wait is about to ppoll the fd: mirror the flag until `endPoll`.
    func beginPoll() {
        state.withLock { state in
            state.pollers += 1
            Self.mirror(&state, fd)
        }
    }

    func endPoll() {
        state.withLock { state in
            state.pollers -= 1
            assert(state.pollers >= 0, "unbalanced PollableFlag.endPoll")
            Self.mirror(&state, fd)
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

    /// Registers `waiter` to be woken when the flag is raised.
    /// - Returns: false, registering nothing, when the flag is raised already.
    private func add(_ waiter: AsyncWaiter) -> Bool {
        state.withLock { state in
            if state.raised { return false }
            state.waiters.append(waiter)
            return true
        }
    }

    private func remove(_ waiter: AsyncWaiter) {
        state.withLock { state in state.waiters.removeAll { $0 === waiter } }
    }

    /// Brings the eventfd in line with the flag when it is mirrored, and empties it when it is not
    /// (so a later mirror starts from a known state).
    private static func mirror(_ state: inout State, _ fd: CInt) {
        let wanted = state.raised && state.mirrored
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
