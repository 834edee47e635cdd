// A descriptor number closed behind EventSelect's back (Glibc close) and reused for another file
// must never feed the closed socket's registration: receive and send find the socket through a
// descriptor cache, and anything they would record is checked against the socket's identity first.
// And docs/SEMANTICS.md rule 15 holds against the socket's real O_NONBLOCK flag, not a cached copy.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// Puts `fd` at descriptor number `number` (which must be free) and closes `fd`.
private func moveTo(_ fd: FileDescriptor, _ number: CInt) throws -> FileDescriptor {
    guard dup2(fd.rawValue, number) == number else { throw Errno(rawValue: errno) }
    _ = Glibc.close(fd.rawValue)
    return FileDescriptor(rawValue: number)
}

@Suite struct DescriptorReuseTests {
    /// A selected socket closed with Glibc, its number reused by another socket with data:
    /// receive through that number (peek, then a real receive that fills the buffer, so a look
    /// follows) reads the new socket and never sets the old socket's event object. With
    /// `keepAlive`, the old socket lives on through a dup and keeps working.
    @Test(arguments: testBackends, [false, true])
    func reusedNumberNeverFeedsTheClosedSocket(backend: NotifierBackend, keepAlive: Bool) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a0, b) = try makePair(.unix)
        owned.own(b)
        let a = try evMoveHigh(a0)
        let n = try Notifier(backend: backend)
        let e1 = try SocketEvent()
        try n.eventSelect(a, e1, [.read])
        // The cache learns the number: a receive with nothing to read.
        #expect(throws: Errno.wouldBlock) { try receive(n, a, count: 1) }
        let survivor = keepAlive ? owned.own(try evDup(a)) : nil
        _ = Glibc.close(a.rawValue)

        let (c0, d) = try makePair(.unix)
        owned.own(d)
        let c = owned.own(try moveTo(c0, a.rawValue))
        #expect(try rawSend(d, count: 8) == 8)
        #expect(evPoll(c))
        #expect(try receive(n, c, count: 1, flags: CInt(MSG_PEEK)) == 1)
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil)
        // Exactly the bytes waiting: the buffer fills, so EventSelect looks again afterwards.
        #expect(try receive(n, c, count: 8) == 8)
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil)
        #expect(try n.enumNetworkEvents(c, resetting: nil).events == [])

        if let survivor {
            // The old socket's selection goes on through its other descriptor.
            #expect(try rawSend(b, count: 1) == 1)
            #expect(try waitAndEnum(n, survivor, e1).events == [.read])
            #expect(try receive(n, survivor, count: 1) == 1)
        }
    }

    /// The number reused by a pipe: receive and send throw ENOTSOCK and set nothing, and the pipe
    /// stays open and intact.
    @Test(arguments: testBackends)
    func reusedNumberPipeThrowsAndSetsNothing(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a0, b) = try makePair(.unix)
        owned.own(b)
        let a = try evMoveHigh(a0)
        let n = try Notifier(backend: backend)
        let e1 = try SocketEvent()
        try n.eventSelect(a, e1, [.read, .write])
        #expect(try waitAndEnum(n, a, e1).events == [.write])
        #expect(throws: Errno.wouldBlock) { try receive(n, a, count: 1) }
        _ = Glibc.close(a.rawValue)

        var fds: [CInt] = [0, 0]
        try #require(pipe(&fds) == 0)
        let writeEnd = owned.own(FileDescriptor(rawValue: fds[1]))
        let readEnd = owned.own(try moveTo(FileDescriptor(rawValue: fds[0]), a.rawValue))
        var byte: UInt8 = 7
        #expect(Glibc.write(writeEnd.rawValue, &byte, 1) == 1)
        #expect(throws: Errno.notSocket) { try receive(n, readEnd, count: 1) }
        #expect(throws: Errno.notSocket) { try receive(n, readEnd, count: 1, flags: CInt(MSG_PEEK)) }
        #expect(throws: Errno.notSocket) { try send(n, readEnd, count: 1) }
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil)
        #expect(throws: Errno.notSocket) { _ = try n.enumNetworkEvents(readEnd, resetting: e1) }
        #expect(Glibc.read(readEnd.rawValue, &byte, 1) == 1 && byte == 7)
    }

    /// Rule 15 against the real flag: select, cancel, clear O_NONBLOCK with fcntl, select again
    /// (either mode): the socket is non-blocking again, so a receive with nothing to read fails at
    /// once instead of blocking.
    @Test(arguments: testBackends, [false, true])
    func reselectAfterFcntlMakesSocketNonBlocking(backend: NotifierBackend, messageMode: Bool) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try makePair(.unix)
        owned.own(a)
        owned.own(b)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        let queue = try MessageQueue()
        func select(_ events: NetworkEvents) throws {
            if messageMode {
                try n.asyncSelect(a, queue, message: 1, events)
            } else {
                try n.eventSelect(a, e, events)
            }
        }
        try select([.read])
        try select([])
        #expect(evIsNonBlocking(a))
        let flags = fcntl(a.rawValue, F_GETFL)
        try #require(fcntl(a.rawValue, F_SETFL, flags & ~O_NONBLOCK) == 0)
        try #require(!evIsNonBlocking(a))
        try select([.read])
        try #require(evIsNonBlocking(a))
        #expect(throws: Errno.wouldBlock) { try receive(n, a, count: 1) }
        // setBlocking(true) after a cancel really clears it, and setBlocking(false) really sets it.
        try select([])
        try n.setBlocking(a, true)
        #expect(!evIsNonBlocking(a))
        try #require(fcntl(a.rawValue, F_SETFL, fcntl(a.rawValue, F_GETFL) | O_NONBLOCK) == 0)
        try n.setBlocking(a, true)
        #expect(!evIsNonBlocking(a))
        try n.setBlocking(a, false)
        #expect(evIsNonBlocking(a))
    }
}
