// Rule 17: a registration ends with its socket. Closing a socket's last descriptor through
// Notifier.close lets go of its event object or queue (a server with one event per connection must
// not run out of descriptors), while a remaining descriptor keeps it alive. The kernel may hold the
// socket an instant longer (epoll takes a transient reference while another thread polls it), so
// release is awaited, bounded, while the process keeps delivering.

import EventSelect
import Glibc
import Synchronization
import SystemPackage
import Testing

/// Waits (bounded by `mustHappen`) until `released()` holds, delivering meanwhile.
func eventually(_ released: () -> Bool) throws -> Bool {
    let deadline = ContinuousClock.now + mustHappen
    let idle = try SocketEvent()
    while !released() {
        if ContinuousClock.now >= deadline { return false }
        _ = try SocketEvent.waitAny([idle], timeout: .milliseconds(1))
    }
    return true
}

@Suite struct RegistrationLifetimeTests {
    @Test(arguments: testBackends, PairKind.allCases)
    func rule17_closingTheLastDescriptorReleasesTheEventObject(backend: NotifierBackend, kind: PairKind) throws {
        let notifier = try Notifier(backend: backend)
        weak var released: SocketEvent?
        weak var releasedQueue: MessageQueue?
        do {
            let (a, b) = try makePair(kind)
            let event = try SocketEvent()
            released = event
            try notifier.eventSelect(a, event, [.read, .close])
            closeQuietly(b)
            #expect(try waitAndEnum(notifier, a, event).events == [.close])
            try spawnLock.withLock { _ in try notifier.close(a) }
        }
        #expect(try eventually { released == nil }, "the closed socket's registration still holds its event object")
        do {
            let (a, b) = try makePair(kind)
            defer { closeQuietly(b) }
            let queue = try MessageQueue()
            releasedQueue = queue
            try notifier.asyncSelect(a, queue, message: 0x400, [.read])
            try spawnLock.withLock { _ in try notifier.close(a) }
        }
        #expect(try eventually { releasedQueue == nil }, "the closed socket's registration still holds its queue")
    }

    @Test(arguments: testBackends)
    func rule17_anotherDescriptorKeepsTheRegistrationAndItsEvent(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(b) }
        let other = FileDescriptor(rawValue: dup(a.rawValue))
        defer { closeQuietly(other) }
        weak var kept: SocketEvent?
        do {
            let event = try SocketEvent()
            kept = event
            try notifier.eventSelect(a, event, [.read])
            try notifier.close(a)
        }
        let event = try #require(kept, "the registration ended while another descriptor remains")
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([event], timeout: mustHappen) == 0)
    }

    @Test func manyConnectionsWithAnEventEachDoNotAccumulate() throws {
        // A server's life: one event per connection, selected, closed by the peer, closed here.
        let notifier = try Notifier(backend: .epoll)
        var released: [() -> Bool] = []
        for _ in 0..<200 {
            let (a, b) = try makePair(.unix)
            let event = try SocketEvent()
            weak let weakEvent = event
            released.append { weakEvent == nil }
            try notifier.eventSelect(a, event, [.read, .close])
            closeQuietly(b)
            #expect(try waitAndEnum(notifier, a, event).events == [.close])
            try spawnLock.withLock { _ in try notifier.close(a) }
        }
        #expect(try eventually { released.allSatisfy { $0() } })
    }
}
