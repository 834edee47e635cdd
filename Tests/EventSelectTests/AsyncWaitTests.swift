// The async waits (SocketEvent.wait, SocketEvent.waitAny, MessageQueue.next and .messages): each
// returns what it waited for, ends when its task is cancelled, and has a timeout form.
// docs/SEMANTICS.md, "Beyond Windows". Every wait here is bounded by `bounded(_:)`.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// Awaits `task` for at most `mustHappen`; if it has not finished by then, records a failure, calls
/// `unblock` (which must make the task finish) and returns nil. So a wait that ignores cancellation
/// fails the test instead of hanging it.
private func bounded<T: Sendable>(
    _ task: Task<T, Never>, unblock: @escaping @Sendable () -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> T? {
    let result = await withTaskGroup(of: T?.self) { group in
        group.addTask { await task.value }
        group.addTask {
            try? await Task.sleep(for: mustHappen)
            return nil
        }
        let first = await group.next()!
        group.cancelAll()
        return first
    }
    if result == nil {
        Issue.record("the wait did not end within \(mustHappen)", sourceLocation: sourceLocation)
        unblock()
        _ = await task.value
    }
    return result
}

/// Starts `body` in a task, waits until it has announced itself (it sets `started` right before it
/// suspends), lets it reach its suspension point, and cancels it.
private func startThenCancel<T: Sendable>(
    _ body: @escaping @Sendable (SocketEvent) async -> T
) async throws -> Task<T, Never> {
    let started = try SocketEvent()
    let task = Task { await body(started) }
    #expect(await started.wait(within: mustHappen))
    await Task.yield()
    task.cancel()
    return task
}

@Suite struct AsyncWaitTests {
    @Test func eventWaitEndsOnCancel() async throws {
        let event = try SocketEvent()
        let task = try await startThenCancel { started in
            started.set()
            await event.wait()
            return event.isSet
        }
        let wasSet = await bounded(task) { event.set() }
        #expect(wasSet == false)
    }

    @Test func eventWaitWithinEndsOnCancelAndTimeout() async throws {
        let event = try SocketEvent()
        let task = try await startThenCancel { started in
            started.set()
            return await event.wait(within: .seconds(3600))
        }
        #expect(await bounded(task) { event.set() } == false)
        #expect(await event.wait(within: .milliseconds(20)) == false)
        event.set()
        #expect(await event.wait(within: .zero))
    }

    @Test func waitAnyAsyncReturnsLowestSetIndex() async throws {
        let events = try (0..<3).map { _ in try SocketEvent() }
        events[2].set()
        events[1].set()
        #expect(try await SocketEvent.waitAny(events) == 1)
        #expect(try await SocketEvent.waitAny(events, within: .zero) == 1)
        await #expect(throws: Errno.invalidArgument) { try await SocketEvent.waitAny([]) }
        await #expect(throws: Errno.invalidArgument) { try await SocketEvent.waitAny([], within: .zero) }
    }

    @Test func waitAnyAsyncEndsOnCancelAndTimeout() async throws {
        let events = try (0..<3).map { _ in try SocketEvent() }
        let task = try await startThenCancel { started in
            started.set()
            return try? await SocketEvent.waitAny(events)
        }
        #expect(await bounded(task) { events[0].set() } == .some(nil))
        #expect(try await SocketEvent.waitAny(events, within: .milliseconds(20)) == nil)
    }

    /// A socket event sets the event while a task is suspended in the async wait.
    @Test(arguments: testBackends)
    func asyncWaitsSeeSocketEvents(backend: NotifierBackend) async throws {
        let n = try Notifier(backend: backend)
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(a, b) }
        let idle = try SocketEvent()
        let event = try SocketEvent()
        try n.eventSelect(a, event, [.read])
        let task = Task { try? await SocketEvent.waitAny([idle, event], within: mustHappen) }
        try rawSend(b, count: 1)
        #expect(await bounded(task) { event.set() } == .some(1))
        #expect(try n.enumNetworkEvents(a, resetting: event).events == [.read])
    }

    @Test func queueNextEndsOnCancelAndTimeout() async throws {
        let queue = try MessageQueue()
        let task = try await startThenCancel { started in
            started.set()
            return await queue.next()
        }
        let wake = SocketMessage(message: 1, socket: FileDescriptor(rawValue: 0), event: .read, error: nil)
        #expect(await bounded(task) { queue.post(wake) } == .some(nil))
        #expect(await queue.next(within: .milliseconds(20)) == nil)
        queue.post(wake)
        #expect(await queue.next(within: .zero) == wake)
    }

    /// `for await` over `messages` ends when its task is cancelled, after taking what was there.
    @Test func messagesEndsOnCancel() async throws {
        let queue = try MessageQueue()
        let first = SocketMessage(message: 7, socket: FileDescriptor(rawValue: 3), event: .write, error: nil)
        queue.post(first)
        let seenFirst = try SocketEvent()
        let task = Task {
            var seen: [SocketMessage] = []
            for await message in queue.messages {
                seen.append(message)
                seenFirst.set()
            }
            return seen
        }
        #expect(await seenFirst.wait(within: mustHappen))
        await Task.yield()
        task.cancel()
        let wake = SocketMessage(message: 8, socket: FileDescriptor(rawValue: 3), event: .read, error: nil)
        let seen = await bounded(task) { queue.post(wake) }
        #expect(seen?.first == first)
        #expect(seen?.count == 1)
    }

    /// Messages posted by asyncSelect arrive through `messages` on every backend.
    @Test(arguments: testBackends)
    func messagesCarrySocketEvents(backend: NotifierBackend) async throws {
        let n = try Notifier(backend: backend)
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(a, b) }
        let queue = try MessageQueue()
        try n.asyncSelect(a, queue, message: 0x8001, [.read])
        let task = Task { () -> SocketMessage? in
            for await message in queue.messages { return message }
            return nil
        }
        try rawSend(b, count: 1)
        let message = await bounded(task) { task.cancel() }
        #expect(message??.event == .read)
        #expect(message??.socket == a)
    }
}
