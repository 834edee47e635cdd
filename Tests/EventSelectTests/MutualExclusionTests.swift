// docs/SEMANTICS.md rule 14: last one wins. eventSelect and asyncSelect replace any
// previous selection of either kind on the socket, through any descriptor and any Notifier. After
// the call returns the old event object is not set again and the old queue gets no new posts (an
// object already set stays set); an empty set cancels; messages already queued stay queued.
//
// "Not posted" is checked after a positive signal that the event was processed (the new target got
// it), or after the kernel shows the condition and drain() has delivered pending readiness.
import EventSelect
import Glibc
import SystemPackage
import Testing

private func isSetNow(_ event: SocketEvent) throws -> Bool {
    try SocketEvent.waitAny([event], timeout: .zero) != nil
}

private func dupDescriptor(_ fd: FileDescriptor) throws -> FileDescriptor {
    let d = Glibc.dup(fd.rawValue)
    guard d >= 0 else { throw Errno(rawValue: errno) }
    return FileDescriptor(rawValue: d)
}

/// What every test here starts from: a connected pair (`a` is selected, `b` is the plain peer) and
/// a notifier of the backend under test. `close()` (deferred by each test) closes what is still open.
private final class Fixture {
    let a: FileDescriptor
    let b: FileDescriptor
    let n: Notifier
    private var peerOpen = true

    init(_ backend: NotifierBackend, _ kind: PairKind) throws {
        (a, b) = try makePair(kind)
        n = try Notifier(backend: backend)
    }

    /// The peer closes now (FIN).
    func closePeer() {
        closeQuietly(b)
        peerOpen = false
    }

    func close() {
        closeQuietly(a)
        if peerOpen { closeQuietly(b) }
        withExtendedLifetime(n) {}
    }
}

// MARK: - asyncSelect replaces eventSelect

@Test(arguments: testBackends, PairKind.allCases)
func rule14_asyncSelectReplacesEventSelect_oldEventNotSetAgain(backend: NotifierBackend, kind: PairKind) throws {
    let f = try Fixture(backend, kind)
    defer { f.close() }
    let (a, b, n) = (f.a, f.b, f.n)
    let e = try SocketEvent()
    let q = try MessageQueue()

    try n.eventSelect(a, e, [.read, .close])
    #expect(try !isSetNow(e), "nothing holds yet")
    try n.asyncSelect(a, q, message: wmSocket, [.read, .close])
    #expect(drain(q).isEmpty)

    try rawSend(b, count: 5)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(try !isSetNow(e), "the replaced event object is not set by new data")

    #expect(try receive(n, a, count: 2) == 2)
    try expectTake(q, [message(wmSocket, a, .read)], "re-posted to the queue")
    #expect(try !isSetNow(e), "nor by a re-enabling call")

    f.closePeer()
    try expectTake(q, [message(wmSocket, a, .close)])
    #expect(try !isSetNow(e), "nor by the peer's close")
    #expect(drain(q).isEmpty)
}

/// Rule 14: an event object already set when replaced stays set (nothing resets it), and is not
/// set again after a reset.
@Test(arguments: testBackends, PairKind.allCases)
func rule14_asyncSelectReplacesEventSelect_setEventStaysSet(backend: NotifierBackend, kind: PairKind) throws {
    let f = try Fixture(backend, kind)
    defer { f.close() }
    let (a, b, n) = (f.a, f.b, f.n)
    let e = try SocketEvent()
    let q = try MessageQueue()

    try n.eventSelect(a, e, [.read, .write])
    #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0, "FD_WRITE recorded at select")
    try n.asyncSelect(a, q, message: wmSocket, [.read, .write])
    #expect(try isSetNow(e), "already set: stays set")
    try expectTake(q, [message(wmSocket, a, .write)], "message mode posts what holds now")

    e.reset()
    try rawSend(b, count: 5)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(try !isSetNow(e))
}

// MARK: - eventSelect replaces asyncSelect

@Test(arguments: testBackends, PairKind.allCases)
func rule14_eventSelectReplacesAsyncSelect_queueGetsNoNewPosts(backend: NotifierBackend, kind: PairKind) throws {
    let f = try Fixture(backend, kind)
    defer { f.close() }
    let (a, b, n) = (f.a, f.b, f.n)
    let e = try SocketEvent()
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .close])
    #expect(drain(q).isEmpty)
    try n.eventSelect(a, e, [.read, .close])

    try rawSend(b, count: 5)
    #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
    #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
    #expect(drain(q).isEmpty, "the replaced queue gets no FD_READ")

    #expect(try receive(n, a, count: 2) == 2)
    #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0, "partial receive: FD_READ recorded again")
    #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
    #expect(drain(q).isEmpty, "the replaced queue gets no re-post")

    f.closePeer()
    #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
    #expect(try n.enumNetworkEvents(a, resetting: e).events == [.close])
    #expect(drain(q).isEmpty, "the replaced queue gets no FD_CLOSE")
}

/// Messages posted before the replacement stay queued (rule 14); nothing new is added after it.
@Test(arguments: testBackends, PairKind.allCases)
func rule14_eventSelectReplacesAsyncSelect_queuedMessagesStay(backend: NotifierBackend, kind: PairKind) throws {
    let f = try Fixture(backend, kind)
    defer { f.close() }
    let (a, b, n) = (f.a, f.b, f.n)
    let e = try SocketEvent()
    let q = try MessageQueue()

    try rawSend(b, count: 5)
    waitKernel(a, Int16(POLLIN))
    try n.asyncSelect(a, q, message: wmSocket, [.read, .write, .close])  // posts FD_READ, FD_WRITE now
    try n.eventSelect(a, e, [.read, .write, .close])

    f.closePeer()
    // The peer's close is recorded for the new selection...
    let deadline = ContinuousClock.now + mustHappen
    var seen: NetworkEvents = []
    while !seen.contains(.close) && ContinuousClock.now < deadline {
        _ = try SocketEvent.waitAny([e], timeout: .milliseconds(100))
        seen.formUnion(try n.enumNetworkEvents(a, resetting: e).events)
    }
    #expect(seen.contains(.close))
    // ...and the queue holds exactly what was posted before the replacement.
    #expect(drain(q) == [message(wmSocket, a, .read), message(wmSocket, a, .write)])
}

/// asyncSelect to a second queue: messages already in the first stay there; new ones go to the
/// second only, with the new message number.
@Test(arguments: testBackends, PairKind.allCases)
func rule14_asyncSelectReplacesAsyncSelect_queuedMessagesStay(backend: NotifierBackend, kind: PairKind) throws {
    let f = try Fixture(backend, kind)
    defer { f.close() }
    let (a, b, n) = (f.a, f.b, f.n)
    let q1 = try MessageQueue()
    let q2 = try MessageQueue()

    try n.asyncSelect(a, q1, message: 0x0401, [.read, .write])  // FD_WRITE posted now, left queued
    try n.asyncSelect(a, q2, message: 0x0402, [.read])
    #expect(drain(q2).isEmpty, "FD_WRITE not selected any more")

    try rawSend(b, count: 5)
    try expectTake(q2, [message(0x0402, a, .read)])
    #expect(drain(q1) == [message(0x0401, a, .write)], "old message stays; nothing new")
}

// MARK: - empty set cancels

@Test(arguments: testBackends, PairKind.allCases)
func rule14_emptySetCancels_queuedMessagesStay(backend: NotifierBackend, kind: PairKind) throws {
    let f = try Fixture(backend, kind)
    defer { f.close() }
    let (a, b, n) = (f.a, f.b, f.n)
    let q = try MessageQueue()

    try rawSend(b, count: 5)
    waitKernel(a, Int16(POLLIN))
    try n.asyncSelect(a, q, message: wmSocket, [.read, .write, .close])  // FD_READ, FD_WRITE now
    try n.asyncSelect(a, q, message: wmSocket, [])

    #expect(try receive(n, a, count: 2) == 2)  // partial receive: would re-post if selected
    try rawSend(b, count: 5)
    f.closePeer()
    waitKernel(a, Int16(POLLIN) | pollRDHUP)
    #expect(drain(q) == [message(wmSocket, a, .read), message(wmSocket, a, .write)])
    #expect(try receive(n, a, count: 1) == 1)
    #expect(drain(q).isEmpty, "cancelled: nothing posted")
}

/// eventSelect with an empty set cancels a message-mode selection too (last one wins, either kind).
@Test(arguments: testBackends, PairKind.allCases)
func rule14_emptyEventSelectCancelsAsyncSelect(backend: NotifierBackend, kind: PairKind) throws {
    let f = try Fixture(backend, kind)
    defer { f.close() }
    let (a, b, n) = (f.a, f.b, f.n)
    let q = try MessageQueue()
    let e = try SocketEvent()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .write])
    try expectTake(q, [message(wmSocket, a, .write)])
    try n.eventSelect(a, e, [])
    try rawSend(b, count: 5)
    waitKernel(a, Int16(POLLIN))
    #expect(drain(q).isEmpty)
    #expect(try !isSetNow(e))
    #expect(try receive(n, a, count: 1) == 1)
    #expect(drain(q).isEmpty)
}

// MARK: - through another descriptor, another Notifier

/// One registration per socket: selecting through a dup replaces the selection made through the
/// original; messages then carry the dup as wParam.
@Test(arguments: testBackends, PairKind.allCases)
func rule14_replacementThroughDup(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    let d = try dupDescriptor(a)
    defer { closeQuietly(a, b, d) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q1 = try MessageQueue()
    let q2 = try MessageQueue()
    let e = try SocketEvent()

    try n.asyncSelect(a, q1, message: 0x0401, [.read])
    try n.asyncSelect(d, q2, message: 0x0402, [.read])
    try rawSend(b, count: 5)
    try expectTake(q2, [message(0x0402, d, .read)])
    #expect(drain(q1).isEmpty, "the selection through `a` was replaced")

    // eventSelect through the original replaces the message-mode selection made through the dup.
    try n.eventSelect(a, e, [.read])
    #expect(try receive(n, a, count: 1) == 1)
    #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0, "FD_READ recorded for the event")
    #expect(drain(q2).isEmpty)
    #expect(drain(q1).isEmpty)

    // Message mode again through the original, then an empty set through the dup cancels it.
    try n.asyncSelect(a, q1, message: 0x0403, [.read])
    try expectTake(q1, [message(0x0403, a, .read)], "4 bytes still unread")
    try n.asyncSelect(d, q2, message: 0x0404, [])
    #expect(try receive(n, a, count: 1) == 1)
    try rawSend(b, count: 1)
    waitKernel(a, Int16(POLLIN))
    #expect(drain(q1).isEmpty, "cancelled through the dup")
    #expect(drain(q2).isEmpty)
}

/// Registrations are per socket, not per Notifier: a selection through a second Notifier replaces
/// the first one's, for both kinds and for a cancel.
@Test(arguments: testBackends, PairKind.allCases)
func rule14_replacementThroughSecondNotifier(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n1 = try Notifier(backend: backend)
    let n2 = try Notifier(backend: backend)
    defer { withExtendedLifetime((n1, n2)) {} }
    let q1 = try MessageQueue()
    let q2 = try MessageQueue()
    let e = try SocketEvent()

    try n1.asyncSelect(a, q1, message: 0x0401, [.read])
    try n2.asyncSelect(a, q2, message: 0x0402, [.read])
    try rawSend(b, count: 5)
    try expectTake(q2, [message(0x0402, a, .read)])
    #expect(drain(q1).isEmpty)

    try n1.eventSelect(a, e, [.read])  // back through the first notifier, event mode
    #expect(try receive(n2, a, count: 1) == 1)
    #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
    #expect(drain(q1).isEmpty)
    #expect(drain(q2).isEmpty)

    try n2.asyncSelect(a, q2, message: 0x0403, [.read])
    try expectTake(q2, [message(0x0403, a, .read)])
    e.reset()
    #expect(try receive(n1, a, count: 1) == 1)
    try expectTake(q2, [message(0x0403, a, .read)], "re-enabled through the other notifier")
    #expect(try !isSetNow(e))

    try n1.asyncSelect(a, q1, message: 0x0404, [])  // cancel through the first notifier
    #expect(try receive(n2, a, count: 1) == 1)
    try rawSend(b, count: 1)
    waitKernel(a, Int16(POLLIN))
    #expect(drain(q1).isEmpty)
    #expect(drain(q2).isEmpty)
    #expect(try !isSetNow(e))
}

// MARK: - several sockets, one queue

/// One socket's cancel does not touch another's posts on the same queue.
@Test(arguments: testBackends, PairKind.allCases)
func rule14_cancelOneSocket_othersKeepPosting(backend: NotifierBackend, kind: PairKind) throws {
    let pairs = try (0..<3).map { _ in try makePair(kind) }
    defer { for (a, b) in pairs { closeQuietly(a, b) } }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    for (index, (a, _)) in pairs.enumerated() {
        try n.asyncSelect(a, q, message: 0x0401 + UInt32(index), [.read, .write])
    }
    // FD_WRITE from each, in selection order (each posted at once by its own asyncSelect).
    #expect(drain(q) == pairs.enumerated().map { message(0x0401 + UInt32($0.offset), $0.element.0, .write) })

    try n.asyncSelect(pairs[1].0, q, message: 0x0402, [])
    for (_, b) in pairs { try rawSend(b, count: 1) }
    waitKernel(pairs[1].0, Int16(POLLIN))

    let got = try take(q, 2)
    #expect(Set(got.map(\.socket.rawValue)) == [pairs[0].0.rawValue, pairs[2].0.rawValue])
    for m in got {
        let index = m.socket == pairs[0].0 ? 0 : 2
        #expect(m == message(0x0401 + UInt32(index), pairs[index].0, .read))
    }
    #expect(drain(q).isEmpty, "the cancelled socket posts nothing")

    // The others still re-post after a partial receive.
    try rawSend(pairs[0].1, count: 1)
    waitKernel(pairs[0].0, Int16(POLLIN))
    #expect(try receive(n, pairs[0].0, count: 1) == 1)
    try expectTake(q, [message(0x0401, pairs[0].0, .read)])
    #expect(drain(q).isEmpty)
}
