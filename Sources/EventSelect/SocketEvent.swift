import CEventSelect
import Glibc
import SystemPackage

/// An event object: manual reset, created unset. Models `WSAEVENT` (`WSACreateEvent`).
///
/// `eventSelect` sets it when a selected network event is recorded; it stays set until ``reset()``
/// or `enumNetworkEvents(_:resetting:)` resets it. Waiting never resets it (docs/SEMANTICS.md rule 11). One event
/// may serve many sockets.
///
/// It is pollable: ``fileDescriptor`` is readable exactly while the event is set, so it mixes with
/// other event loops. Asking for the descriptor (or awaiting ``wait()``) switches the process to
/// background delivery, so the event is set even when nobody calls into EventSelect.
public final class SocketEvent: Sendable {
    let flag: PollableFlag

    /// Creates an unset event. Models `WSACreateEvent`.
    /// - Throws: `Errno` when no eventfd can be created (EMFILE, ENFILE, ENOMEM).
    public init() throws(Errno) {
        flag = try PollableFlag()
    }

    /// Sets the event, waking every waiter. Models `WSASetEvent`.
    public func set() { flag.raise() }

    /// Resets the event. Models `WSAResetEvent`.
    public func reset() { flag.lower() }

    /// Whether the event is set. Models `WaitForSingleObject(event, 0)`.
    ///
    /// Readiness that the kernel has reported but no thread has delivered yet is delivered first,
    /// so a program that only tests `isSet` still sees events as they happen.
    public var isSet: Bool {
        if flag.isRaised { return true }
        LiveNotifiers.driveAll()
        return flag.isRaised
    }

    /// A descriptor readable exactly while the event is set, for poll(2), epoll or another event
    /// loop. Owned by the event: do not close it. Reading it does not reset the event.
    public var fileDescriptor: FileDescriptor {
        LiveNotifiers.requireBackgroundDelivery()
        return FileDescriptor(rawValue: flag.expose())
    }

    /// Waits until any of `events` is set. Models `WSAWaitForMultipleEvents(fWaitAll: FALSE)`.
    ///
    /// Events are tested from index 0, so the lowest set index is returned. There is no limit on the
    /// number of events (Windows: 64). Waiting does not reset anything.
    /// - Parameters:
    ///   - events: the events; must not be empty.
    ///   - timeout: how long to wait; `.zero` only tests, nil waits forever.
    /// - Returns: the index of the lowest set event, or nil on timeout.
    /// - Throws: `Errno.invalidArgument` for an empty array.
    public static func waitAny(_ events: [SocketEvent], timeout: Duration?) throws(Errno) -> Int? {
        guard !events.isEmpty else { throw Errno.invalidArgument }
        // Index 0 set: nothing lower can be. Otherwise deliver pending readiness first, so a lower
        // index whose socket is ready is not starved by a higher one that is already set.
        if events[0].flag.isRaised { return 0 }
        LiveNotifiers.driveAll()
        var index: Int?
        try wait(events, timeout: timeout) {
            index = events.firstIndex { $0.flag.isRaised }
            return index != nil
        }
        return index
    }

    /// Waits until all of `events` are set at the same time. Models
    /// `WSAWaitForMultipleEvents(fWaitAll: TRUE)`.
    /// - Parameters:
    ///   - events: the events; must not be empty.
    ///   - timeout: how long to wait; `.zero` only tests, nil waits forever.
    /// - Returns: true once all are set, false on timeout.
    /// - Throws: `Errno.invalidArgument` for an empty array.
    public static func waitAll(_ events: [SocketEvent], timeout: Duration?) throws(Errno) -> Bool {
        guard !events.isEmpty else { throw Errno.invalidArgument }
        return try wait(events, timeout: timeout) { events.allSatisfy { $0.flag.isRaised } }
    }

    /// Suspends until the event is set, or until the task is cancelled; returns at once if it is set.
    ///
    /// Look at ``isSet`` (or `Task.isCancelled`) afterwards to tell the two apart; ``wait(within:)``
    /// says which.
    public func wait() async {
        _ = await Self.waitAnyAsync([self], timeout: nil)
    }

    /// Suspends until the event is set, `timeout` passes, or the task is cancelled.
    /// - Returns: true when the event is set; false on timeout or cancellation.
    public func wait(within timeout: Duration) async -> Bool {
        await Self.waitAnyAsync([self], timeout: timeout) != nil
    }

    /// Suspends until any of `events` is set, or until the task is cancelled. The async form of
    /// ``waitAny(_:timeout:)``: the lowest set index wins; nothing is reset.
    /// - Returns: the index of the lowest set event; nil when the task was cancelled first.
    /// - Throws: `Errno.invalidArgument` for an empty array.
    public static func waitAny(_ events: [SocketEvent]) async throws(Errno) -> Int? {
        guard !events.isEmpty else { throw Errno.invalidArgument }
        return await waitAnyAsync(events, timeout: nil)
    }

    /// Suspends until any of `events` is set, `timeout` passes, or the task is cancelled. The async
    /// form of ``waitAny(_:timeout:)`` (`within:` keeps the two apart in async code, where the
    /// synchronous form stays callable without `await`).
    /// - Returns: the index of the lowest set event; nil on timeout or cancellation.
    /// - Throws: `Errno.invalidArgument` for an empty array.
    public static func waitAny(_ events: [SocketEvent], within timeout: Duration) async throws(Errno) -> Int? {
        guard !events.isEmpty else { throw Errno.invalidArgument }
        return await waitAnyAsync(events, timeout: timeout)
    }

    /// The async wait loop. Readiness is delivered by the background thread (started here), or
    /// inline by this call before it suspends.
    private static func waitAnyAsync(_ events: [SocketEvent], timeout: Duration?) async -> Int? {
        if let index = events.firstIndex(where: { $0.flag.isRaised }) { return index }
        LiveNotifiers.requireBackgroundDelivery()
        LiveNotifiers.driveAll()
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        let flags = events.map(\.flag)
        while true {
            if let index = events.firstIndex(where: { $0.flag.isRaised }) { return index }
            if Task.isCancelled { return nil }
            var remaining: Duration?
            if let deadline {
                remaining = clock.now.duration(to: deadline)
                if remaining! <= .zero { return nil }
            }
            await PollableFlag.waitAnyRaised(flags, timeout: remaining)
        }
    }

    /// The shared wait loop: test; deliver pending readiness inline and test again; then block in
    /// ppoll on the events' eventfds and every notifier's readiness fd until something changes.
    @discardableResult
    private static func wait(_ events: [SocketEvent], timeout: Duration?, satisfied: () -> Bool) throws(Errno) -> Bool {
        // The deadline is computed only once the wait may block: the hot path (ready after one
        // delivery pass) reads no clock.
        var deadline: Deadline?
        while true {
            if satisfied() { return true }
            LiveNotifiers.driveAll()
            if satisfied() { return true }
            if deadline == nil { deadline = Deadline(timeout) }
            let remaining = deadline!.remaining
            if remaining == 0 { return false }
            for event in events { event.flag.beginPoll() }
            defer { for event in events { event.flag.endPoll() } }
            if satisfied() { return true }
            try LiveNotifiers.block(extra: events.map { $0.flag.fd }, nanoseconds: remaining)
            LiveNotifiers.driveAll(afterWake: true)
        }
    }
}
