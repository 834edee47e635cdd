// Rule 16 in message mode (docs/SEMANTICS.md rule 16): a socket returned by accept inherits the listener's selection
// (event set, queue, message number); its messages carry the NEW descriptor as wParam; its record
// starts empty, then FD_WRITE is posted at once if selected, never FD_CONNECT (nor FD_ACCEPT).
// Wine test_accept_events "The socket returned from accept() inherits the same parameters".
import EventSelect
import Glibc
import SystemPackage
import Testing

private func isNonBlocking(_ fd: FileDescriptor) -> Bool {
    fcntl(fd.rawValue, F_GETFL) & O_NONBLOCK != 0
}

/// FD_ACCEPT carries the listener (lParam 0x08); the accepted socket posts FD_WRITE at once under the
/// listener's message number with its own descriptor, nothing else; later events on it carry it too.
@Test(arguments: testBackends)
func rule16_acceptedSocketInheritsQueueAndMessage_postsWriteWithNewDescriptor(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let client = try tcpSocket()
    var clientOpen = true
    defer {
        closeQuietly(listener)
        if clientOpen { closeQuietly(client) }
    }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(listener, q, message: wmSocket, [.connect, .read, .oob, .accept, .write, .close])
    #expect(drain(q).isEmpty)
    try connectBlocking(client, address)
    let accepted = try take(q, 1)
    #expect(accepted == [message(wmSocket, listener, .accept)])
    #expect(accepted.first?.lParam == 0x08)

    let server = try n.accept(listener)
    defer { closeQuietly(server) }
    #expect(server != listener)
    #expect(isNonBlocking(server), "inherits non-blocking mode (docs/SEMANTICS.md rule 16)")
    try expectTake(q, [message(wmSocket, server, .write)])
    #expect(drain(q).isEmpty, "no FD_CONNECT, no FD_ACCEPT for the accepted socket")

    try rawSend(client, count: 3)
    try expectTake(q, [message(wmSocket, server, .read)])
    #expect(try receive(n, server, count: 1) == 1)
    try expectTake(q, [message(wmSocket, server, .read)], "re-posted: 2 bytes left")

    closeQuietly(client)
    clientOpen = false
    try expectTake(q, [message(wmSocket, server, .close)])
    #expect(drain(q).isEmpty)
}

/// Without FD_WRITE in the inherited set nothing is posted at accept; the inherited FD_READ is.
@Test(arguments: testBackends)
func rule16_acceptedSocketWithoutWrite_postsNothingAtOnce(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let client = try tcpSocket()
    defer { closeQuietly(client, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(listener, q, message: wmSocket, [.connect, .read, .oob, .accept])
    try connectBlocking(client, address)
    try expectTake(q, [message(wmSocket, listener, .accept)])
    let server = try n.accept(listener)
    defer { closeQuietly(server) }
    #expect(drain(q).isEmpty, "no FD_WRITE (not selected), no FD_CONNECT")

    try rawSend(client, count: 1)
    try expectTake(q, [message(wmSocket, server, .read)])
    #expect(drain(q).isEmpty)
}

/// The accepted socket inherits the listener's CURRENT selection: after the listener was re-selected
/// to another queue and message number, the accepted socket posts there.
@Test(arguments: testBackends)
func rule16_acceptedSocketInheritsCurrentSelection(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let client = try tcpSocket()
    defer { closeQuietly(client, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q1 = try MessageQueue()
    let q2 = try MessageQueue()

    try n.asyncSelect(listener, q1, message: 0x0401, [.accept])
    try connectBlocking(client, address)
    try expectTake(q1, [message(0x0401, listener, .accept)])
    try n.asyncSelect(listener, q2, message: 0x0402, [.accept, .write, .read])
    try expectTake(q2, [message(0x0402, listener, .accept)], "re-select posts what holds now")

    let server = try n.accept(listener)
    defer { closeQuietly(server) }
    try expectTake(q2, [message(0x0402, server, .write)])
    #expect(drain(q2).isEmpty)
    #expect(drain(q1).isEmpty)
}

/// Data already on the connection when it is accepted (docs/SEMANTICS.md rule 16, with rule 8): FD_READ, then FD_WRITE.
@Test(arguments: testBackends)
func rule16_rule7_acceptedSocketWithQueuedData_postsReadThenWrite(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let client = try tcpSocket()
    defer { closeQuietly(client, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()

    try n.asyncSelect(listener, q, message: wmSocket, [.connect, .read, .oob, .accept, .write])
    try connectBlocking(client, address)
    try rawSend(client, count: 4)
    try expectTake(q, [message(wmSocket, listener, .accept)])

    let server = try n.accept(listener)
    defer { closeQuietly(server) }
    try expectTake(q, [message(wmSocket, server, .read), message(wmSocket, server, .write)])
    #expect(drain(q).isEmpty)
}

/// Selecting the accepted socket itself replaces what it inherited (its own registration); the
/// listener keeps posting FD_ACCEPT under its own selection.
@Test(arguments: testBackends)
func rule16_rule14_reselectingAcceptedSocketLeavesListener(backend: NotifierBackend) throws {
    let (listener, address) = try makeListener()
    let client1 = try tcpSocket()
    let client2 = try tcpSocket()
    defer { closeQuietly(client1, client2, listener) }
    let n = try Notifier(backend: backend)
    defer { withExtendedLifetime(n) {} }
    let q = try MessageQueue()
    let own = try MessageQueue()

    try n.asyncSelect(listener, q, message: wmSocket, [.accept, .read])
    try connectBlocking(client1, address)
    try expectTake(q, [message(wmSocket, listener, .accept)])
    let server = try n.accept(listener)
    defer { closeQuietly(server) }
    #expect(drain(q).isEmpty)

    try n.asyncSelect(server, own, message: 0x0777, [.read])
    try rawSend(client1, count: 1)
    try expectTake(own, [message(0x0777, server, .read)])
    #expect(drain(q).isEmpty, "the accepted socket's inherited selection was replaced")

    try connectBlocking(client2, address)
    try expectTake(q, [message(wmSocket, listener, .accept)], "the listener's selection is untouched")
    #expect(drain(own).isEmpty)
}
