// Message mode: re-enabling and re-posting (rules 9 and 10). After a message has been posted for an
// event, nothing more is posted for it until its re-enabling call; right after that call the event
// is posted again if its condition still holds. docs/SEMANTICS.md rules 5, 9, 10.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// Bytes queued for reading on `fd`, counted with a plain MSG_PEEK (not a re-enabling call: it does
/// not go through the notifier).
private func queuedBytes(_ fd: FileDescriptor) -> Int {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    let n = buffer.withUnsafeMutableBytes {
        Glibc.recv(fd.rawValue, $0.baseAddress, $0.count, CInt(MSG_PEEK) | CInt(MSG_DONTWAIT))
    }
    return max(n, 0)
}

/// Waits (bounded) until `count` bytes are queued on `fd`.
private func waitQueued(_ fd: FileDescriptor, _ count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    let deadline = ContinuousClock.now + mustHappen
    while queuedBytes(fd) < count {
        if ContinuousClock.now >= deadline {
            Issue.record("never saw \(count) bytes queued on \(fd)", sourceLocation: sourceLocation)
            return
        }
        var pfd = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
        _ = Glibc.poll(&pfd, 1, 10)
    }
}

private func isWritable(_ fd: FileDescriptor) -> Bool {
    var pfd = pollfd(fd: fd.rawValue, events: Int16(POLLOUT), revents: 0)
    return Glibc.poll(&pfd, 1, 0) == 1 && pfd.revents & Int16(POLLOUT) != 0
}

// MARK: - FD_READ

/// docs/SEMANTICS.md rule 10: a receive that leaves data re-posts FD_READ at once; the one that empties the socket posts
/// nothing; the next data posts FD_READ again (the receives re-enabled it).
@Test(arguments: testBackends, PairKind.allCases)
func rule10_partialReceiveRepostsRead(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .close])
    #expect(drain(q).isEmpty)
    try rawSend(b, count: 10)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(drain(q).isEmpty)

    #expect(try receive(n, a, count: 4) == 4)
    try expectTake(q, [message(wmSocket, a, .read)], "6 bytes left: FD_READ again")
    #expect(drain(q).isEmpty, "exactly one FD_READ per re-enabling call")

    #expect(try receive(n, a, count: 100) == 6)
    #expect(drain(q).isEmpty, "nothing left: nothing posted")

    try rawSend(b, count: 1)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(drain(q).isEmpty)
}

/// Wine's 1-byte receive loop: FD_READ after every receive while data remains, none after the last.
@Test(arguments: testBackends, PairKind.allCases)
func rule10_byteByByteReceiveRepostsUntilEmpty(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read])
    try rawSend(b, count: 4)
    waitQueued(a, 4)
    try expectTake(q, [message(wmSocket, a, .read)])
    for i in 0..<4 {
        #expect(try receive(n, a, count: 1) == 1)
        if i < 3 {
            try expectTake(q, [message(wmSocket, a, .read)], "after byte \(i)")
        }
        #expect(drain(q).isEmpty, "after byte \(i)")
    }
}

/// docs/SEMANTICS.md rule 10: more data arriving while FD_READ is posted and not re-enabled posts nothing in message mode.
@Test(arguments: testBackends, PairKind.allCases)
func rule10_R15_newDataBeforeReceivePostsNothing(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read])
    try rawSend(b, count: 5)
    try expectTake(q, [message(wmSocket, a, .read)])

    try rawSend(b, count: 5)
    waitQueued(a, 10)
    #expect(drain(q).isEmpty, "FD_READ was posted and not re-enabled")

    #expect(try receive(n, a, count: 3) == 3)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(try receive(n, a, count: 100) == 7)
    #expect(drain(q).isEmpty)
}

/// docs/SEMANTICS.md rule 9: a receive that fails (EWOULDBLOCK) is still a re-enabling call. Here the data behind the
/// first FD_READ is consumed without the notifier (plain recv(2)), so FD_READ stays reported; only
/// the failing notifier.receive re-enables it, and the next data posts FD_READ.
@Test(arguments: testBackends, PairKind.allCases)
func rule9_failedReceiveReenablesRead(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read])
    try rawSend(b, count: 5)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(try rawReceive(a, count: 5) == 5)  // not through the notifier: re-enables nothing

    try rawSend(b, count: 2)
    waitQueued(a, 2)
    #expect(drain(q).isEmpty, "still reported: no re-enabling call yet")
    #expect(try rawReceive(a, count: 2) == 2)

    #expect(throws: Errno.wouldBlock) { try receive(n, a, count: 8) }
    #expect(drain(q).isEmpty, "nothing to read")

    try rawSend(b, count: 1)
    try expectTake(q, [message(wmSocket, a, .read)], "the failed receive re-enabled FD_READ")
    #expect(drain(q).isEmpty)
}

/// docs/SEMANTICS.md rule 9: a receive with MSG_PEEK re-enables FD_READ; the data is still there, so FD_READ is posted again.
@Test(arguments: testBackends, PairKind.allCases)
func rule9_R43_peekReenablesRead(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read])
    try rawSend(b, count: 5)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(try receive(n, a, count: 5, flags: CInt(MSG_PEEK)) == 5)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(drain(q).isEmpty)
}

// MARK: - FD_OOB

/// recv(MSG_OOB) re-enables FD_OOB; an ordinary receive does not (docs/SEMANTICS.md rule 9).
@Test(arguments: testBackends)
func rule9_oobReenabledByOobReceiveOnly(backend: NotifierBackend) throws {
    let (a, b) = try makePair(.tcp)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.oob])
    try rawSend(b, count: 1, flags: CInt(MSG_OOB))
    try expectTake(q, [message(wmSocket, a, .oob)])
    #expect(try receive(n, a, count: 1, flags: CInt(MSG_OOB)) == 1)
    #expect(drain(q).isEmpty, "no urgent data left")

    try rawSend(b, count: 1, flags: CInt(MSG_OOB))
    try expectTake(q, [message(wmSocket, a, .oob)], "re-enabled by the MSG_OOB receive")
    #expect(drain(q).isEmpty)
}

// MARK: - FD_ACCEPT

/// docs/SEMANTICS.md rule 10: a second connection while FD_ACCEPT is posted posts nothing; accept re-enables and, another
/// connection waiting, re-posts FD_ACCEPT; after the last accept nothing.
@Test(arguments: testBackends)
func rule10_acceptRepostsWhileAnotherWaits(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let client1 = try tcpSocket()
    let client2 = try tcpSocket()
    defer { closeQuietly(client1, client2, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(listener, q, message: wmSocket, [.connect, .read, .oob, .accept])
    #expect(drain(q).isEmpty)

    try connectBlocking(client1, address)
    try expectTake(q, [message(wmSocket, listener, .accept)])
    try connectBlocking(client2, address)
    #expect(drain(q).isEmpty, "FD_ACCEPT posted and not re-enabled")

    let server1 = try n.accept(listener)
    defer { closeQuietly(server1) }
    try expectTake(q, [message(wmSocket, listener, .accept)], "another connection waits")
    #expect(drain(q).isEmpty)

    let server2 = try n.accept(listener)
    defer { closeQuietly(server2) }
    #expect(drain(q).isEmpty, "no connection left")

    // A failing accept (EWOULDBLOCK) still re-enables: the next connection posts FD_ACCEPT.
    #expect(throws: Errno.wouldBlock) { _ = try n.accept(listener) }
    let client3 = try tcpSocket()
    defer { closeQuietly(client3) }
    try connectBlocking(client3, address)
    try expectTake(q, [message(wmSocket, listener, .accept)])
    #expect(drain(q).isEmpty)
}

// MARK: - FD_WRITE

/// docs/SEMANTICS.md rule 9: a successful send neither re-enables nor posts FD_WRITE.
@Test(arguments: testBackends, PairKind.allCases)
func rule9_successfulSendPostsNothing(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .write, .close])
    try expectTake(q, [message(wmSocket, a, .write)])
    for _ in 0..<3 { #expect(try send(n, a, count: 5) == 5) }
    #expect(drain(q).isEmpty)
    #expect(try rawReceive(b, count: 15) > 0)
    #expect(drain(q).isEmpty)
}

/// docs/SEMANTICS.md rule 9: a send that fails with EWOULDBLOCK re-enables FD_WRITE; once the peer drains, exactly one
/// FD_WRITE is posted. A successful send afterwards posts nothing.
@Test(arguments: testBackends, PairKind.allCases)
func rule9_sendWouldBlockReenablesWrite_exactlyOneWriteAfterDrain(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .write, .close])
    try expectTake(q, [message(wmSocket, a, .write)])

    // Fill until the send fails with EWOULDBLOCK (bounded: 256 MiB at most).
    var wouldBlock = false
    var total = 0
    while total < 256 << 20 {
        do {
            total += try send(n, a, count: 1 << 16)
        } catch let error as Errno where error == .wouldBlock {
            wouldBlock = true
            break
        }
    }
    #expect(wouldBlock, "the send buffer never filled")

    // Drain the peer until this side is writable again (bounded).
    let deadline = ContinuousClock.now + mustHappen
    var drained = 0
    while ContinuousClock.now < deadline {
        while let got = try? rawReceive(b, count: 1 << 16, flags: CInt(MSG_DONTWAIT)), got > 0 { drained += got }
        if isWritable(a) && queuedBytes(b) == 0 { break }
        var pfd = pollfd(fd: b.rawValue, events: Int16(POLLIN), revents: 0)
        _ = Glibc.poll(&pfd, 1, 50)
    }
    #expect(isWritable(a))

    try expectTake(q, [message(wmSocket, a, .write)])
    #expect(drain(q).isEmpty, "exactly one FD_WRITE")

    #expect(try send(n, a, count: 5) == 5)
    #expect(drain(q).isEmpty, "a successful send posts nothing")
}

// MARK: - FD_CLOSE

/// docs/SEMANTICS.md rule 5: FD_CLOSE is posted once; the receive that returns 0 afterwards posts nothing (and no FD_READ).
@Test(arguments: testBackends, PairKind.allCases)
func rule9_closePostedOnce_receiveOfEndPostsNothing(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .close])
    closeQuietly(b)
    try expectTake(q, [message(wmSocket, a, .close)])
    #expect(try receive(n, a, count: 5) == 0)
    #expect(drain(q).isEmpty)
    #expect(try receive(n, a, count: 5) == 0)
    #expect(drain(q).isEmpty)
}

/// docs/SEMANTICS.md rule 5: data then the peer's close: FD_READ, FD_CLOSE while the data is unread, FD_READ again
/// after a partial receive, and nothing after the receive that empties the socket.
@Test(arguments: testBackends, PairKind.allCases)
func rule10_dataBeforeClose_readCloseRead(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.accept, .close, .connect, .oob, .read])
    try rawSend(b, count: 5)
    try expectTake(q, [message(wmSocket, a, .read)])
    closeQuietly(b)
    try expectTake(q, [message(wmSocket, a, .close)])
    #expect(try receive(n, a, count: 3) == 3)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(try receive(n, a, count: 5) == 2)
    #expect(drain(q).isEmpty)
}
