// Message mode (WSAAsyncSelect): what one message looks like. One SocketMessage per network event:
// `message` is the number given to asyncSelect, `socket` is wParam (the descriptor), `event` holds
// exactly one bit and `lParam` is WSAMAKESELECTREPLY(event, Winsock code of the error), bit for bit.
// docs/SEMANTICS.md, "The model", rules 4, 5, 7; docs/SEMANTICS.md rules 4, 5, 7.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// Checks every field of a message and its lParam against WSAMAKESELECTREPLY computed here.
private func expectMessage(
    _ got: SocketMessage?, message number: UInt32, socket: FileDescriptor, event: NetworkEvents,
    error: CInt?, winsockCode: UInt32, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let got else {
        Issue.record("expected \(event) message, got none", sourceLocation: sourceLocation)
        return
    }
    #expect(got.message == number, sourceLocation: sourceLocation)
    #expect(got.socket == socket, sourceLocation: sourceLocation)
    #expect(got.event == event, sourceLocation: sourceLocation)
    #expect(got.event.rawValue.nonzeroBitCount == 1, "one event per message", sourceLocation: sourceLocation)
    #expect(got.error == error.map { Errno(rawValue: $0) }, sourceLocation: sourceLocation)
    #expect(got.lParam == event.rawValue | (winsockCode << 16), sourceLocation: sourceLocation)
}

// MARK: - the Winsock error table and lParam arithmetic

@Test func rule64_winsockCodeTable_commonErrnos() {
    let table: [(CInt, UInt16)] = [
        (ECONNREFUSED, 10061), (ECONNABORTED, 10053), (ECONNRESET, 10054), (ETIMEDOUT, 10060),
        (ENETUNREACH, 10051), (EHOSTUNREACH, 10065), (EWOULDBLOCK, 10035),
    ]
    for (errno, code) in table {
        #expect(SocketMessage.winsockCode(for: Errno(rawValue: errno)) == code, "errno \(errno)")
    }
}

@Test func rule64_lParamIsMakeSelectReply() {
    let fd = FileDescriptor(rawValue: 7)
    // No error: the event in the low word, zero in the high word.
    for event: NetworkEvents in [.read, .write, .oob, .accept, .connect, .close] {
        #expect(SocketMessage(message: 1, socket: fd, event: event, error: nil).lParam == event.rawValue)
    }
    #expect(message(1, fd, .close, ECONNABORTED).lParam == 0x20 | (10053 << 16))
    #expect(message(1, fd, .connect, ECONNREFUSED).lParam == 0x10 | (10061 << 16))
    #expect(message(1, fd, .connect, ETIMEDOUT).lParam == 0x10 | (10060 << 16))
    #expect(message(1, fd, .connect, ENETUNREACH).lParam == 0x10 | (10051 << 16))
    #expect(message(1, fd, .close, ECONNRESET).lParam == 0x20 | (10054 << 16))
    // The fields given are the fields kept.
    let m = message(0xC0DE, fd, .oob, EHOSTUNREACH)
    #expect(m.message == 0xC0DE && m.socket == fd && m.event == .oob && m.error == Errno(rawValue: EHOSTUNREACH))
}

// MARK: - messages posted for real sockets

/// FD_WRITE at select, FD_READ on data, FD_CLOSE on the peer's orderly close (while the data is still
/// unread, docs/SEMANTICS.md rule 5): one message each, carrying the message number and the descriptor.
@Test(arguments: testBackends, PairKind.allCases)
func rule7_onePerEvent_fieldsAndLParam(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    var bOpen = true
    defer {
        closeQuietly(a)
        if bOpen { closeQuietly(b) }
    }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .write, .close])
    expectMessage(
        try q.next(timeout: mustHappen), message: wmSocket, socket: a, event: .write, error: nil, winsockCode: 0)
    #expect(drain(q).isEmpty)

    try rawSend(b, count: 3)
    expectMessage(
        try q.next(timeout: mustHappen), message: wmSocket, socket: a, event: .read, error: nil, winsockCode: 0)
    #expect(drain(q).isEmpty)

    closeQuietly(b)
    bOpen = false
    expectMessage(
        try q.next(timeout: mustHappen), message: wmSocket, socket: a, event: .close, error: nil, winsockCode: 0)
    #expect(drain(q).isEmpty, "end of stream is never FD_READ; FD_WRITE not re-posted")
}

/// Windows reports an RST as FD_CLOSE with WSAECONNABORTED (Wine test_close_events "Trigger RST"):
/// lParam == MAKELONG(FD_CLOSE, WSAECONNABORTED) == 0x20 | (10053 << 16).
@Test(arguments: testBackends)
func rule5_closeAfterRST_lParamIsConnAborted(backend: NotifierBackend) throws {
    let (a, b) = try makePair(.tcp)
    defer { closeQuietly(a) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .write, .close])
    try expectTake(q, [message(wmSocket, a, .write)])

    abortiveClose(b)
    let got = try q.next(timeout: mustHappen)
    expectMessage(got, message: wmSocket, socket: a, event: .close, error: ECONNABORTED, winsockCode: 10053)
    #expect(got.map(\.lParam) == UInt32(0x20 | (10053 << 16)))
    #expect(drain(q).isEmpty, "an RST posts FD_CLOSE only")
}

/// A refused non-blocking connect posts FD_CONNECT with WSAECONNREFUSED and nothing else: no
/// FD_WRITE (docs/SEMANTICS.md rule 4), no FD_CLOSE. Before the connect, the unconnected socket posts nothing (docs/SEMANTICS.md rule 6).
@Test(arguments: testBackends)
func rule4_refusedConnect_postsOnlyConnectWithConnRefused(backend: NotifierBackend) throws {
    let s = try tcpSocket()
    defer { closeQuietly(s) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(s, q, message: wmSocket, .all)
    #expect(drain(q).isEmpty, "a never-connected socket posts nothing")

    try connect(n, s, try refusedAddress())
    let got = try q.next(timeout: mustHappen)
    expectMessage(got, message: wmSocket, socket: s, event: .connect, error: ECONNREFUSED, winsockCode: 10061)
    #expect(got.map(\.lParam) == UInt32(0x10 | (10061 << 16)))
    #expect(drain(q).isEmpty, "a failed connect posts FD_CONNECT only")
}

/// A successful connect: FD_CONNECT with error 0 (lParam 0x10), then FD_WRITE (lParam 0x02).
@Test(arguments: testBackends)
func rule4_successfulConnect_connectLParamHasNoError(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let s = try tcpSocket()
    defer { closeQuietly(s, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(s, q, message: wmSocket, [.connect, .write])
    try connect(n, s, address)
    let got = try take(q, 2)
    #expect(got.count == 2)
    if got.count == 2 {
        expectMessage(got[0], message: wmSocket, socket: s, event: .connect, error: nil, winsockCode: 0)
        expectMessage(got[1], message: wmSocket, socket: s, event: .write, error: nil, winsockCode: 0)
    }
    #expect(drain(q).isEmpty)
}

/// Urgent data: FD_OOB, lParam 0x04 (TCP only: AF_UNIX has no urgent data).
@Test(arguments: testBackends)
func rule2_oobMessage(backend: NotifierBackend) throws {
    let (a, b) = try makePair(.tcp)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.oob])
    #expect(drain(q).isEmpty)
    try rawSend(b, count: 1, flags: CInt(MSG_OOB))
    expectMessage(
        try q.next(timeout: mustHappen), message: wmSocket, socket: a, event: .oob, error: nil, winsockCode: 0)
    #expect(drain(q).isEmpty)
}

/// Several sockets post to one queue, each with its own message number and its own descriptor.
@Test(arguments: testBackends, PairKind.allCases)
func rule64_severalSocketsOneQueue_distinctMessageNumbers(backend: NotifierBackend, kind: PairKind) throws {
    let pairs = try (0..<3).map { _ in try makePair(kind) }
    defer { for (a, b) in pairs { closeQuietly(a, b) } }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    for (index, (a, _)) in pairs.enumerated() {
        try n.asyncSelect(a, q, message: 0x0401 + UInt32(index), [.read])
    }
    #expect(drain(q).isEmpty)
    for index in [2, 0, 1] { try rawSend(pairs[index].1, count: 1) }

    let got = try take(q, 3)
    #expect(got.count == 3)
    for m in got {
        guard let index = pairs.firstIndex(where: { $0.0 == m.socket }) else {
            Issue.record("message for an unknown socket \(m.socket)")
            continue
        }
        #expect(m == message(0x0401 + UInt32(index), pairs[index].0, .read))
    }
    #expect(Set(got.map(\.socket.rawValue)) == Set(pairs.map(\.0.rawValue)), "one FD_READ per socket")
    #expect(drain(q).isEmpty)
}

/// Ordinary data is FD_READ only, never FD_OOB, even with FD_OOB selected (rules 1 and 2).
@Test(arguments: testBackends, PairKind.allCases)
func rule2_plainDataPostsReadNeverOob(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(a, q, message: wmSocket, [.read, .oob])
    #expect(drain(q).isEmpty)
    try rawSend(b, count: 4)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(drain(q).isEmpty, "no urgent data: no FD_OOB")
    #expect(try receive(n, a, count: 2) == 2)
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(drain(q).isEmpty, "no urgent data: no FD_OOB")
}

/// With SO_OOBINLINE urgent data is ordinary data: FD_READ, not FD_OOB (rule 1, docs/SEMANTICS.md rule 1).
@Test(arguments: testBackends)
func rule1_oobInlinePostsReadNotOob(backend: NotifierBackend) throws {
    let (a, b) = try makePair(.tcp)
    defer { closeQuietly(a, b) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    var one: CInt = 1
    #expect(setsockopt(a.rawValue, SOL_SOCKET, SO_OOBINLINE, &one, socklen_t(MemoryLayout<CInt>.size)) == 0)
    try n.asyncSelect(a, q, message: wmSocket, [.read, .oob])
    try rawSend(b, count: 1, flags: CInt(MSG_OOB))
    try expectTake(q, [message(wmSocket, a, .read)])
    #expect(drain(q).isEmpty, "SO_OOBINLINE: no FD_OOB")
}
