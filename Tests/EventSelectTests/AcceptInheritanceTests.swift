// docs/SEMANTICS.md rule 16 (event mode): accept returns a socket that inherits the listener's selection (event
// set and event object) and is non-blocking; its record starts empty, then FD_WRITE is recorded at
// once if selected; FD_CONNECT is not (docs/SEMANTICS.md rule 16).
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct AcceptInheritanceTests {
    /// Wine test_accept_events: listener selecting FD_CONNECT|FD_READ|FD_OOB|FD_ACCEPT|FD_WRITE;
    /// after accept the new socket records FD_WRITE only, then nothing.
    @Test(arguments: testBackends)
    func rule16_AcceptedSocketRecordsOnlyFDWrite(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.connect, .read, .oob, .accept, .write])
        try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        let server = owned.own(try n.accept(listener))
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        let record = try n.enumNetworkEvents(server, resetting: e)
        #expect(record.events == [.write])
        try expectNothing(n, server, e)
        try expectNothing(n, listener, e)
    }

    /// The inherited selection is live: data on the accepted socket sets the listener's event object
    /// and records FD_READ; the accepted socket is non-blocking and refuses setBlocking(true).
    @Test(arguments: testBackends)
    func rule16_AcceptedSocketInheritsEventObjectAndEvents(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept, .read, .close])
        let client = try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        let server = owned.own(try n.accept(listener))
        #expect(evIsNonBlocking(server))
        #expect(throws: Errno.invalidArgument) { try n.setBlocking(server, true) }
        // FD_WRITE is not in the inherited set: nothing at accept time.
        try expectNothing(n, server, e)
        try rawSend(client, count: 3)
        #expect(try waitAndEnum(n, server, e).events == [.read])
        owned.close(client)
        #expect(try evCollect(n, server, e, [.close]).events == [.close])
        try expectNothing(n, listener, e)
    }

    /// The accepted socket's selection is its own copy: re-selecting it does not change the
    /// listener's, and re-selecting the listener does not change the accepted socket's.
    @Test(arguments: testBackends)
    func rule16_InheritedSelectionIsIndependentOfListener(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        let e2 = try SocketEvent()
        try n.eventSelect(listener, e, [.accept, .read])
        let c1 = try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        let server = owned.own(try n.accept(listener))
        try n.eventSelect(server, e2, [.read])
        // The listener still sets e for FD_ACCEPT.
        try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        #expect(try SocketEvent.waitAny([e2], timeout: .zero) == nil)
        // Cancelling the listener leaves the accepted socket selected.
        try n.eventSelect(listener, e, [])
        try rawSend(c1, count: 1)
        #expect(try waitAndEnum(n, server, e2).events == [.read])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
    }

    /// Two accepted sockets each start with their own empty record (FD_WRITE once each).
    @Test(arguments: testBackends)
    func rule16_EachAcceptedSocketHasItsOwnRecord(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept, .write, .connect])
        let c1 = owned.own(try tcpSocket())
        let c2 = owned.own(try tcpSocket())
        try connectBlocking(c1, address)
        try connectBlocking(c2, address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        let s1 = owned.own(try n.accept(listener))
        let s2 = owned.own(try n.accept(listener))
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        #expect(try n.enumNetworkEvents(s1, resetting: nil).events == [.write])
        #expect(try n.enumNetworkEvents(s2, resetting: nil).events == [.write])
        // The FD_ACCEPT recorded again after the first accept was cleared by the second (docs/SEMANTICS.md rule 9).
        #expect(try n.enumNetworkEvents(listener, resetting: e).events == [])
        try expectNothing(n, s1, e)
        try expectNothing(n, s2, e)
    }
}

@Suite struct AcceptedLaterSelectedTests {
    /// docs/SEMANTICS.md rule 16: a socket returned by accept never records FD_CONNECT, also when the listener was not
    /// selected and the socket is selected (with FD_CONNECT) only afterwards; FD_WRITE is recorded.
    @Test(arguments: testBackends)
    func rule16_acceptedSocketSelectedLaterRecordsNoFDConnect(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (listener, address) = try makeListener()
        defer { closeQuietly(listener) }
        let client = try tcpSocket()
        defer { closeQuietly(client) }
        try connectBlocking(client, address)
        let server = try notifier.accept(listener)
        defer { closeQuietly(server) }
        let event = try SocketEvent()
        try notifier.eventSelect(server, event, [.connect, .write])
        #expect(try waitAndEnum(notifier, server, event).events == [.write])
        try expectNothing(notifier, server, event)
    }
}
