import Glibc
import Synchronization
import SystemPackage

/// A window's message queue: where `asyncSelect` posts one ``SocketMessage`` per network event.
///
/// Models the thread message queue behind `WSAAsyncSelect`'s `hWnd`: ``post(_:)`` is `PostMessage`,
/// ``next(timeout:)`` is `GetMessage`, ``poll()`` is `PeekMessage(PM_REMOVE)`. Many threads may post
/// and many may read; each message is taken exactly once, in posting order. Cancelling or replacing
/// a selection never removes messages already queued (docs/SEMANTICS.md rule 14).
///
/// It is pollable: ``fileDescriptor`` is readable exactly while the queue is non-empty.
public final class MessageQueue: Sendable {
    let flag: PollableFlag
    private let queue = Mutex(Ring())

    /// Creates an empty queue.
    /// - Throws: `Errno` when no eventfd can be created.
    public init() throws(Errno) {
        flag = try PollableFlag()
    }

    /// Appends a message. Models `PostMessage`; never blocks, never drops.
    public func post(_ message: SocketMessage) {
        // The flag changes under the ring's lock, so "raised" and "non-empty" never disagree for a
        // reader that holds it (lock order: ring, then flag).
        queue.withLock { ring in
            ring.append(message)
            if ring.count == 1 { flag.raise() }
        }
    }

    /// Takes the oldest message, waiting for one. Models `GetMessage` (with a timeout).
    ///
    /// Readiness the kernel has reported is delivered inline while waiting, so posts for sockets
    /// selected with `asyncSelect` arrive even when no other thread runs the notifier.
    /// - Parameter timeout: how long to wait; `.zero` only tests, nil waits forever.
    /// - Returns: the message, or nil on timeout.
    public func next(timeout: Duration?) throws(Errno) -> SocketMessage? {
        // The deadline is computed only once the wait may block (the hot path reads no clock).
        var deadline: Deadline?
        while true {
            if let message = take() { return message }
            LiveNotifiers.driveAll()
            if let message = take() { return message }
            if deadline == nil { deadline = Deadline(timeout) }
            let remaining = deadline!.remaining
            if remaining == 0 { return nil }
            flag.beginPoll()
            defer { flag.endPoll() }
            if flag.isRaised { continue }
            try LiveNotifiers.block(extra: [flag.fd], nanoseconds: remaining)
            LiveNotifiers.driveAll(afterWake: true)
        }
    }

    /// Takes the oldest message if there is one. Models `PeekMessage(PM_REMOVE)`.
    public func poll() -> SocketMessage? {
        if let message = take() { return message }
        LiveNotifiers.driveAll()
        return take()
    }

    /// A descriptor readable exactly while the queue is non-empty. Owned by the queue: do not close
    /// it; reading it takes no message. Asking for it switches the process to background delivery.
    public var fileDescriptor: FileDescriptor {
        LiveNotifiers.requireBackgroundDelivery()
        return FileDescriptor(rawValue: flag.expose())
    }

    /// The messages as an async sequence, for `for await`. Each message goes to exactly one reader,
    /// whichever sequence or call takes it first. The sequence ends when the task iterating it is
    /// cancelled, and never by itself.
    public var messages: AsyncStream<SocketMessage> {
        LiveNotifiers.requireBackgroundDelivery()
        return AsyncStream(unfolding: { [self] in await self.nextAsync(timeout: nil) })
    }

    /// Takes the oldest message, suspending until there is one or the task is cancelled. The async
    /// form of `GetMessage`.
    /// - Returns: the message; nil when the task was cancelled first.
    public func next() async -> SocketMessage? {
        await nextAsync(timeout: nil)
    }

    /// Takes the oldest message, suspending until there is one, `timeout` passes, or the task is
    /// cancelled. (`within:` keeps it apart from the synchronous ``next(timeout:)`` in async code.)
    /// - Returns: the message; nil on timeout or cancellation.
    public func next(within timeout: Duration) async -> SocketMessage? {
        await nextAsync(timeout: timeout)
    }

    private func nextAsync(timeout: Duration?) async -> SocketMessage? {
        LiveNotifiers.requireBackgroundDelivery()
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        while true {
            if let message = poll() { return message }
            if Task.isCancelled { return nil }
            var remaining: Duration?
            if let deadline {
                remaining = clock.now.duration(to: deadline)
                if remaining! <= .zero { return nil }
            }
            await PollableFlag.waitAnyRaised([flag], timeout: remaining)
        }
    }

    /// The number of queued messages.
    public var count: Int { queue.withLock { $0.count } }

    private func take() -> SocketMessage? {
        if !flag.isRaised { return nil }
        return queue.withLock { ring in
            let message = ring.removeFirst()
            if ring.count == 0 { flag.lower() }
            return message
        }
    }
}

/// A growable ring buffer: FIFO without shifting an array on every take.
struct Ring: ~Copyable {
    private var storage: [SocketMessage?] = Array(repeating: nil, count: 16)
    private var head = 0
    private(set) var count = 0

    mutating func append(_ message: SocketMessage) {
        if count == storage.count {
            var grown = [SocketMessage?](repeating: nil, count: storage.count * 2)
            for index in 0..<count { grown[index] = storage[(head + index) % storage.count] }
            storage = grown
            head = 0
        }
        storage[(head + count) % storage.count] = message
        count += 1
    }

    mutating func removeFirst() -> SocketMessage? {
        guard count > 0 else { return nil }
        let message = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return message
    }
}
