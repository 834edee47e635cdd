// Message mode: what is posted at selection (rule 8, docs/SEMANTICS.md rule 8) and in which order simultaneous
// events are posted (rule 7, docs/SEMANTICS.md rule 7): FD_CONNECT, FD_ACCEPT, FD_OOB, FD_READ, FD_WRITE, FD_CLOSE.
// The conditions are made to hold in the kernel before selecting, so "several at once" is certain.
import EventSelect
import Glibc
import SystemPackage
import Testing

// MARK: - rule 8: posted at once when selecting

@Test(arguments: testBackends, PairKind.allCases)
func rule8_selectPostsQueuedDataAtOnce(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try rawSend(b, count: 5)
    waitKernel(a, Int16(POLLIN))
    try n.asyncSelect(a, q, message: wmSocket, [.read])
    #expect(drain(q) == [message(wmSocket, a, .read)])
}

@Test(arguments: testBackends, PairKind.allCases)
func rule8_selectPostsPeerCloseAtOnce(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    closeQuietly(b)
    waitKernel(a, pollRDHUP)
    try n.asyncSelect(a, q, message: wmSocket, [.read, .close])
    #expect(drain(q) == [message(wmSocket, a, .close)], "FD_CLOSE only: end of stream is never FD_READ")
}

@Test(arguments: testBackends)
func rule8_selectPostsWaitingConnectionAtOnce(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let client = try tcpSocket()
    defer { closeQuietly(client, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try connectBlocking(client, address)
    waitKernel(listener, Int16(POLLIN))
    try n.asyncSelect(listener, q, message: wmSocket, [.connect, .read, .oob, .accept])
    #expect(drain(q) == [message(wmSocket, listener, .accept)])
}

/// docs/SEMANTICS.md rule 8 / Wine test_connect_events "Connect and then select": message mode posts only FD_WRITE on a
/// socket connected before selecting, never FD_CONNECT, even with FD_CONNECT in the set.
@Test(arguments: testBackends, PairKind.allCases)
func rule8_R7_selectOnConnectedSocketPostsOnlyWrite(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let qa = try MessageQueue()
    let qb = try MessageQueue()

    try n.asyncSelect(a, qa, message: wmSocket, .all)
    try n.asyncSelect(b, qb, message: wmSocket + 1, .all)
    #expect(drain(qa) == [message(wmSocket, a, .write)])
    #expect(drain(qb) == [message(wmSocket + 1, b, .write)])
}

/// The client side of Wine's "Connect and then select": a blocking connect(2), data sent by the
/// client itself, then asyncSelect on the client: FD_WRITE only.
@Test(arguments: testBackends)
func rule8_R7_blockingConnectThenSelectPostsOnlyWrite(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let client = try tcpSocket()
    defer { closeQuietly(client, listener) }
    try connectBlocking(client, address)
    let server = Glibc.accept(listener.rawValue, nil, nil)
    #expect(server >= 0)
    defer { if server >= 0 { _ = Glibc.close(server) } }
    try rawSend(client, count: 5)

    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()
    try n.asyncSelect(client, q, message: wmSocket, .all)
    #expect(drain(q) == [message(wmSocket, client, .write)])
}

// MARK: - rule 7: posting order

/// A non-blocking connect made with notifier.connect while selected: FD_CONNECT, then FD_WRITE.
@Test(arguments: testBackends)
func rule7_rule4_nonBlockingConnectPostsConnectThenWrite(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let s = try tcpSocket()
    defer { closeQuietly(s, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(s, q, message: wmSocket, [.accept, .close, .connect, .oob, .read, .write])
    #expect(drain(q).isEmpty, "nothing before the connect (docs/SEMANTICS.md rule 6)")
    try connect(n, s, address)
    try expectTake(q, [message(wmSocket, s, .connect), message(wmSocket, s, .write)])
    #expect(drain(q).isEmpty)
}

/// Data queued and the peer gone: FD_READ, then FD_CLOSE.
@Test(arguments: testBackends, PairKind.allCases)
func rule7_readBeforeClose(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try rawSend(b, count: 5)
    closeQuietly(b)
    waitKernel(a, Int16(POLLIN) | pollRDHUP)
    try n.asyncSelect(a, q, message: wmSocket, [.close, .read])
    try expectTake(q, [message(wmSocket, a, .read), message(wmSocket, a, .close)])
    #expect(drain(q).isEmpty)
}

/// A connected socket with data: FD_READ, then FD_WRITE.
@Test(arguments: testBackends, PairKind.allCases)
func rule7_readBeforeWrite(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try rawSend(b, count: 5)
    waitKernel(a, Int16(POLLIN))
    try n.asyncSelect(a, q, message: wmSocket, [.write, .read])
    try expectTake(q, [message(wmSocket, a, .read), message(wmSocket, a, .write)])
    #expect(drain(q).isEmpty)
}

/// Urgent data, normal data, still writable, and the peer's FIN (shutdown SHUT_WR, so the peer still
/// receives and this side can still send): FD_OOB, FD_READ, FD_WRITE, FD_CLOSE, and no FD_CONNECT.
@Test(arguments: testBackends)
func rule7_oobReadWriteClose(backend: NotifierBackend) throws {
    let (a, b) = try makePair(.tcp)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try rawSend(b, count: 2)
    try rawSend(b, count: 1, flags: CInt(MSG_OOB))
    #expect(Glibc.shutdown(b.rawValue, CInt(SHUT_WR)) == 0)
    waitKernel(a, Int16(POLLIN) | Int16(POLLPRI) | Int16(POLLOUT) | pollRDHUP)

    try n.asyncSelect(a, q, message: wmSocket, .all)
    let expected = [
        message(wmSocket, a, .oob), message(wmSocket, a, .read), message(wmSocket, a, .write),
        message(wmSocket, a, .close),
    ]
    try expectTake(q, expected)
    #expect(drain(q).isEmpty)
}

/// Urgent and normal data without FD_WRITE selected: FD_OOB before FD_READ.
@Test(arguments: testBackends)
func rule7_oobBeforeRead(backend: NotifierBackend) throws {
    let (a, b) = try makePair(.tcp)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try rawSend(b, count: 3)
    try rawSend(b, count: 1, flags: CInt(MSG_OOB))
    waitKernel(a, Int16(POLLIN) | Int16(POLLPRI))
    try n.asyncSelect(a, q, message: wmSocket, [.read, .oob])
    try expectTake(q, [message(wmSocket, a, .oob), message(wmSocket, a, .read)])
    #expect(drain(q).isEmpty)
}
