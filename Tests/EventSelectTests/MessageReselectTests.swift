// Message mode re-select (rule 13, docs/SEMANTICS.md rule 13): every asyncSelect forgets what was reported and posts
// every selected condition that holds now, except FD_CONNECT; a cancel in between changes nothing
// about that. Also rule 8 across selections: what happened while unselected, or while selected for a
// subset, is posted when it is selected. After Wine's test_*_events in message mode.
import EventSelect
import Glibc
import SystemPackage
import Testing

private let allButWrite: NetworkEvents = [.accept, .close, .connect, .oob, .read]

/// Re-selects the same way twice: directly, and after a cancel; each time `expected` is posted again.
private func expectReposted(
    _ n: Notifier, _ s: FileDescriptor, _ q: MessageQueue, _ events: NetworkEvents, _ expected: [SocketMessage],
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    try n.asyncSelect(s, q, message: wmSocket, events)
    try expectTake(q, expected, "re-select", sourceLocation: sourceLocation)
    #expect(drain(q).isEmpty, "re-select", sourceLocation: sourceLocation)
    try n.asyncSelect(s, q, message: wmSocket, [])
    #expect(drain(q).isEmpty, "cancel posts nothing", sourceLocation: sourceLocation)
    try n.asyncSelect(s, q, message: wmSocket, events)
    try expectTake(q, expected, "cancel, then re-select", sourceLocation: sourceLocation)
    #expect(drain(q).isEmpty, "cancel, then re-select", sourceLocation: sourceLocation)
}

@Test(arguments: testBackends, PairKind.allCases)
func rule13_reselectRepostsWrite(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, .all)
    try expectTake(q, [message(wmSocket, a, .write)])
    #expect(drain(q).isEmpty)
    try expectReposted(n, a, q, .all, [message(wmSocket, a, .write)])
}

@Test(arguments: testBackends, PairKind.allCases)
func rule13_reselectRepostsUnreadData(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, allButWrite)
    #expect(drain(q).isEmpty)
    try rawSend(b, count: 5)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(drain(q).isEmpty)
    try expectReposted(n, a, q, allButWrite, [message(wmSocket, a, .read)])
    // Re-selecting reset the reported state and posted FD_READ again, which is reported again now:
    // new data posts nothing until a receive (docs/SEMANTICS.md rule 10).
    try rawSend(b, count: 5)
    #expect(drain(q).isEmpty)
    #expect(try receive(n, a, count: 2) == 2)
    try expectTake(q, [message(wmSocket, a, .read)])
}

@Test(arguments: testBackends, PairKind.allCases)
func rule13_reselectRepostsReadThenWrite(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try rawSend(b, count: 5)
    waitKernel(a, Int16(POLLIN))
    let expected = [message(wmSocket, a, .read), message(wmSocket, a, .write)]
    try n.asyncSelect(a, q, message: wmSocket, [.read, .write])
    try expectTake(q, expected)
    try expectReposted(n, a, q, [.read, .write], expected)
}

@Test(arguments: testBackends, PairKind.allCases)
func rule13_reselectRepostsClose(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, allButWrite)
    closeQuietly(b)
    try expectTake(q, [message(wmSocket, a, .close)])
    #expect(drain(q).isEmpty)
    try expectReposted(n, a, q, allButWrite, [message(wmSocket, a, .close)])
    // docs/SEMANTICS.md rule 5: the receive that returns 0 posts nothing.
    #expect(try receive(n, a, count: 5) == 0)
    #expect(drain(q).isEmpty)
}

/// Wine test_close_events "Trigger RST", message mode: re-selecting posts FD_CLOSE again with its
/// error, MAKELONG(FD_CLOSE, WSAECONNABORTED).
@Test(arguments: testBackends)
func rule13_reselectRepostsCloseWithItsError(backend: NotifierBackend) throws {
    let (a, b) = try makePair(.tcp)
    defer { closeQuietly(a) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, allButWrite)
    abortiveClose(b)
    let reset = message(wmSocket, a, .close, ECONNABORTED)
    try expectTake(q, [reset])
    #expect(drain(q).isEmpty)
    try expectReposted(n, a, q, allButWrite, [reset])
}

@Test(arguments: testBackends)
func rule13_reselectRepostsOob(backend: NotifierBackend) throws {
    let (a, b) = try makePair(.tcp)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, allButWrite)
    try rawSend(b, count: 1, flags: CInt(MSG_OOB))
    try expectTake(q, [message(wmSocket, a, .oob)])
    #expect(drain(q).isEmpty)
    try expectReposted(n, a, q, allButWrite, [message(wmSocket, a, .oob)])
}

@Test(arguments: testBackends)
func rule13_reselectRepostsAccept(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let client = try tcpSocket()
    defer { closeQuietly(client, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    let events: NetworkEvents = [.connect, .read, .oob, .accept]
    try n.asyncSelect(listener, q, message: wmSocket, events)
    try connectBlocking(client, address)
    try expectTake(q, [message(wmSocket, listener, .accept)])
    #expect(drain(q).isEmpty)
    try expectReposted(n, listener, q, events, [message(wmSocket, listener, .accept)])

    let server = try n.accept(listener)
    defer { closeQuietly(server) }
    #expect(drain(q).isEmpty)
}

/// docs/SEMANTICS.md rule 8, Wine test_connect_events: after FD_CONNECT and FD_WRITE, re-selecting (directly or after a
/// cancel) posts FD_WRITE only: FD_CONNECT is never posted again.
@Test(arguments: testBackends)
func rule13_reselectNeverRepostsConnect(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let s = try tcpSocket()
    defer { closeQuietly(s, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(s, q, message: wmSocket, .all)
    try connect(n, s, address)
    try expectTake(q, [message(wmSocket, s, .connect), message(wmSocket, s, .write)])
    #expect(drain(q).isEmpty)
    try expectReposted(n, s, q, .all, [message(wmSocket, s, .write)])
}

/// Wine "select on a subset not containing FD_CONNECT first": connected while selected without
/// FD_CONNECT (FD_WRITE posted); re-selecting with FD_CONNECT posts FD_WRITE only.
@Test(arguments: testBackends)
func rule13_subsetWithoutConnectThenReselect_postsOnlyWrite(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let s = try tcpSocket()
    defer { closeQuietly(s, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(s, q, message: wmSocket, [.accept, .close, .oob, .read, .write])
    try connect(n, s, address)
    try expectTake(q, [message(wmSocket, s, .write)])
    #expect(drain(q).isEmpty, "FD_CONNECT was not selected")

    try n.asyncSelect(s, q, message: wmSocket, [.accept, .connect, .oob, .read, .write])
    try expectTake(q, [message(wmSocket, s, .write)])
    #expect(drain(q).isEmpty)
}

/// Rule 8 / docs/SEMANTICS.md rule 8: data that arrived while not selected is posted when selected again.
@Test(arguments: testBackends, PairKind.allCases)
func rule8_dataWhileCancelledPostedAtReselect(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, allButWrite)
    try n.asyncSelect(a, q, message: wmSocket, [])
    try rawSend(b, count: 5)
    waitKernel(a, Int16(POLLIN))
    #expect(drain(q).isEmpty, "not selected: nothing posted")
    try n.asyncSelect(a, q, message: wmSocket, allButWrite)
    try expectTake(q, [message(wmSocket, a, .read)])

    // docs/SEMANTICS.md rule 8: data that came and went while unselected posts nothing.
    #expect(try receive(n, a, count: 5) == 5)
    try n.asyncSelect(a, q, message: wmSocket, [])
    try rawSend(b, count: 5)
    waitKernel(a, Int16(POLLIN))
    #expect(try rawReceive(a, count: 5) == 5)
    try n.asyncSelect(a, q, message: wmSocket, [.accept, .connect, .oob, .read])
    #expect(drain(q).isEmpty)
}

/// docs/SEMANTICS.md rules 5, 8: a condition that arose while selected for a subset without it is posted once a
/// selection includes it (FD_CLOSE, FD_WRITE).
@Test(arguments: testBackends, PairKind.allCases)
func rule8_subsetFirstThenReselectPostsNewlySelected(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.accept, .connect, .oob, .read])
    #expect(drain(q).isEmpty, "no FD_WRITE: not selected")
    closeQuietly(b)
    waitKernel(a, pollRDHUP)
    #expect(drain(q).isEmpty, "no FD_CLOSE: not selected")
    try n.asyncSelect(a, q, message: wmSocket, allButWrite)
    try expectTake(q, [message(wmSocket, a, .close)])
    #expect(drain(q).isEmpty)
}

/// docs/SEMANTICS.md rule 14: re-selecting with another message number and set: what holds now is posted with the new
/// number; nothing more comes under the old one.
@Test(arguments: testBackends, PairKind.allCases)
func rule13_reselectWithNewMessageNumber(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: 0x0401, [.read])
    try rawSend(b, count: 5)
    try expectTake(q, [message(0x0401, a, .read)])
    try n.asyncSelect(a, q, message: 0x0402, [.read, .write])
    try expectTake(q, [message(0x0402, a, .read), message(0x0402, a, .write)])
    #expect(try receive(n, a, count: 1) == 1)
    try expectTake(q, [message(0x0402, a, .read)])
    #expect(drain(q).isEmpty)
}
