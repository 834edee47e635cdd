// MessageQueue itself (the public API and docs/SEMANTICS.md, "Beyond Windows"): post = PostMessage, next(timeout:) = GetMessage with
// a timeout, poll() = PeekMessage(PM_REMOVE); fileDescriptor readable exactly while non-empty;
// `messages` for `for await`. FIFO; each message taken once.
import EventSelect
import Glibc
import Synchronization
import SystemPackage
import Testing

private func user(_ n: Int) -> SocketMessage {
    SocketMessage(
        message: 0x8000 + UInt32(n), socket: FileDescriptor(rawValue: CInt(1000 + n)), event: .read, error: nil)
}

/// Whether poll(2) with timeout 0 reports `fd` readable.
private func readable(_ fd: FileDescriptor) -> Bool {
    var pfd = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
    return Glibc.poll(&pfd, 1, 0) == 1 && pfd.revents & Int16(POLLIN) != 0
}

private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Starts a pthread running `body`.
private func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(
        &thread, nil,
        { context in
            Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
    precondition(rc == 0, "pthread_create: \(rc)")
    return thread
}

/// Collects `count` messages from `queue.messages` with `for await`. A watchdog posts a sentinel
/// after `mustHappen` so a missing message fails the test instead of hanging it.
private func collect(_ queue: MessageQueue, _ count: Int) async -> [SocketMessage] {
    let sentinel = SocketMessage(message: 0xDEAD, socket: FileDescriptor(rawValue: -1), event: .close, error: nil)
    return await withTaskGroup(of: [SocketMessage]?.self) { group in
        group.addTask {
            var got: [SocketMessage] = []
            for await m in queue.messages {
                if m == sentinel { break }
                got.append(m)
                if got.count == count { break }
            }
            return got
        }
        group.addTask {
            // Watchdog (a timeout, not synchronisation): cancelled as soon as the reader is done.
            do { try await Task.sleep(for: mustHappen) } catch { return nil }
            queue.post(sentinel)
            return nil
        }
        var result: [SocketMessage] = []
        for await value in group {
            if let value {
                result = value
                group.cancelAll()
            }
        }
        return result
    }
}

// MARK: - next / poll

@Test func queue_nextZeroTimeoutOnEmptyReturnsNil() throws {
    let q = try MessageQueue()
    let start = ContinuousClock.now
    #expect(try q.next(timeout: .zero) == nil)
    #expect(q.poll() == nil)
    #expect(ContinuousClock.now - start < .seconds(1), ".zero only tests")
}

@Test func queue_postThenNext_fifo() throws {
    let q = try MessageQueue()
    for i in 0..<5 { q.post(user(i)) }
    for i in 0..<5 { #expect(try q.next(timeout: .zero) == user(i)) }
    #expect(try q.next(timeout: .zero) == nil)
}

@Test func queue_pollIsPeekMessageRemove() throws {
    let q = try MessageQueue()
    #expect(q.poll() == nil)
    q.post(user(1))
    q.post(user(2))
    #expect(q.poll() == user(1))
    q.post(user(3))
    #expect(q.poll() == user(2))
    #expect(try q.next(timeout: .zero) == user(3))
    #expect(q.poll() == nil)
}

@Test func queue_boundedWaitOnEmptyTimesOut() throws {
    let q = try MessageQueue()
    let start = ContinuousClock.now
    #expect(try q.next(timeout: .milliseconds(100)) == nil)
    let elapsed = ContinuousClock.now - start
    #expect(elapsed >= .milliseconds(90), "waited \(elapsed)")
    #expect(elapsed < mustHappen, "waited \(elapsed)")
}

@Test func queue_boundedWaitReturnsMessagePostedByAnotherThread() throws {
    let q = try MessageQueue()
    let started = Atomic<Bool>(false)
    let thread = startThread {
        started.store(true, ordering: .releasing)
        q.post(user(7))
    }
    defer { pthread_join(thread, nil) }
    let got = try q.next(timeout: mustHappen)
    #expect(got == user(7))
    let threadRan = started.load(ordering: .acquiring)
    #expect(threadRan)
    #expect(q.poll() == nil)
}

/// Many messages from another thread while this one waits: all arrive, in posting order.
@Test func queue_waitingReaderGetsEveryMessageInOrder() throws {
    let q = try MessageQueue()
    let count = 2_000
    let thread = startThread {
        for i in 0..<count { q.post(user(i)) }
    }
    defer { pthread_join(thread, nil) }
    var got: [SocketMessage] = []
    while got.count < count, let m = try q.next(timeout: mustHappen) { got.append(m) }
    #expect(got == (0..<count).map(user))
    #expect(q.poll() == nil)
}

// MARK: - fileDescriptor

@Test func queue_fileDescriptorReadableExactlyWhileNonEmpty() throws {
    let q = try MessageQueue()
    let fd = q.fileDescriptor
    #expect(!readable(fd), "empty")
    q.post(user(1))
    #expect(readable(fd), "one message")
    #expect(readable(fd), "polling does not consume readiness")
    q.post(user(2))
    #expect(readable(fd), "two messages")
    #expect(try q.next(timeout: .zero) == user(1))
    #expect(readable(fd), "one left")
    #expect(q.poll() == user(2))
    #expect(!readable(fd), "the last message was taken")
    q.post(user(3))
    #expect(readable(fd), "non-empty again")
    #expect(try q.next(timeout: mustHappen) == user(3))
    #expect(!readable(fd))
    #expect(q.fileDescriptor == fd, "one descriptor per queue")
}

/// The descriptor becomes readable when a socket's message is posted, with nobody calling into
/// EventSelect: a program that polls the queue's descriptor in its own loop sees it.
@Test(arguments: testBackends, PairKind.allCases)
func queue_fileDescriptorReadableWhenSocketPosts(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()
    let fd = q.fileDescriptor

    try n.asyncSelect(a, q, message: wmSocket, [.read])
    #expect(!readable(fd))
    try rawSend(b, count: 1)
    var pfd = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
    #expect(Glibc.poll(&pfd, 1, CInt(mustHappen.components.seconds * 1000)) == 1, "readable within the bound")
    #expect(q.poll() == message(wmSocket, a, .read))
    #expect(!readable(fd))
}

// MARK: - messages (AsyncStream)

@Test(.timeLimit(.minutes(1)))
func queue_messagesForAwaitReceivesPostedMessages() async throws {
    let q = try MessageQueue()
    for i in 0..<3 { q.post(user(i)) }  // queued before iterating
    let thread = startThread {
        for i in 3..<6 { q.post(user(i)) }  // posted while iterating
    }
    defer { pthread_join(thread, nil) }
    let got = await collect(q, 6)
    #expect(got == (0..<6).map(user))
    #expect(q.poll() == nil, "each message taken once")
}

@Test(.timeLimit(.minutes(1)), arguments: testBackends, PairKind.allCases)
func queue_messagesForAwaitReceivesSocketPosts(backend: NotifierBackend, kind: PairKind) async throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .write])
    try rawSend(b, count: 1)
    // FD_WRITE was posted at select; FD_READ arrives through delivery with nobody calling in.
    let got = await collect(q, 2)
    #expect(Set(got.map(\.event.rawValue)) == [NetworkEvents.write.rawValue, NetworkEvents.read.rawValue])
    #expect(got.first == message(wmSocket, a, .write))
    #expect(got.allSatisfy { $0.socket == a && $0.message == wmSocket })
}

/// A program's own posts and asyncSelect's posts share one FIFO.
@Test(arguments: testBackends, PairKind.allCases)
func queue_ownPostsAndSocketPostsShareOneFifo(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    q.post(user(1))
    try n.asyncSelect(a, q, message: wmSocket, [.write])
    q.post(user(2))
    #expect(drain(q) == [user(1), message(wmSocket, a, .write), user(2)])
}
