// docs/SEMANTICS.md rule 8 (event mode): selecting records at once every selected condition that already holds
// (docs/SEMANTICS.md rule 8): queued data, urgent data, a waiting connection, a closed peer, a writable connected socket;
// and FD_CONNECT for a connected socket that never reported it (docs/SEMANTICS.md rule 8). With the "Not selected"
// paragraph: nothing is recorded while unselected; what holds at the next selection is recorded then.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct SelectTimeRecordingTests {
    @Test(arguments: testBackends, PairKind.allCases)
    func rule8_QueuedDataRecordedAtSelect(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        try rawSend(b, count: 5)
        #expect(evPoll(a))
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
        try expectNothing(n, a, e)
    }

    @Test(arguments: testBackends)
    func rule8_UrgentDataRecordedAtSelect(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(.tcp)
        try rawSend(b, count: 1, flags: CInt(MSG_OOB))
        #expect(evPoll(a, CInt(POLLPRI)))
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.oob])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.oob])
    }

    @Test(arguments: testBackends)
    func rule8_WaitingConnectionRecordedAtSelect(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        try owned.connectedClient(address)
        #expect(evPoll(listener))
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(listener, resetting: e).events == [.accept])
    }

    /// docs/SEMANTICS.md rule 4: a connection accepted before selecting leaves nothing to record.
    @Test(arguments: testBackends)
    func rule8_ConnectionAcceptedBeforeSelectRecordsNothing(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        try owned.connectedClient(address)
        let server = Glibc.accept(listener.rawValue, nil, nil)
        #expect(server >= 0)
        owned.own(FileDescriptor(rawValue: server))
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept])
        try expectNothing(n, listener, e)
    }

    @Test(arguments: testBackends, PairKind.allCases)
    func rule8_ClosedPeerRecordedAtSelect(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        owned.close(b)
        #expect(evPoll(a, CInt(POLLIN) | evPOLLRDHUP))
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .close])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        let record = try n.enumNetworkEvents(a, resetting: e)
        #expect(record.events == [.close])
        #expect(record.error(for: .close) == nil)
    }

    /// docs/SEMANTICS.md rule 5: selecting a subset without FD_CLOSE, the peer closes, then a selection with FD_CLOSE
    /// records it.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule8_ClosedPeerRecordedWhenFDCloseSelectedLater(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        owned.close(b)
        #expect(evPoll(a, CInt(POLLIN) | evPOLLRDHUP))
        try expectNothing(n, a, e)
        try n.eventSelect(a, e, [.read, .close])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.close])
    }

    @Test(arguments: testBackends, PairKind.allCases)
    func rule8_WritableConnectedSocketRecordsOnlyFDWriteAtSelect(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, _) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .write, .oob, .close])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.write])
        try expectNothing(n, a, e)
    }

    /// docs/SEMANTICS.md rule 8: event mode records FD_CONNECT (with FD_WRITE) when selecting a socket that connected
    /// (blocking connect) without ever reporting FD_CONNECT.
    @Test(arguments: testBackends)
    func rule8_ConnectedSocketRecordsFDConnectAtSelect(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (server, client) = try makePair(.tcp)
        owned.own(server)
        owned.own(client)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(client, e, [.connect, .write])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        let record = try n.enumNetworkEvents(client, resetting: e)
        #expect(record.events == [.connect, .write])
        #expect(record.error(for: .connect) == nil)
        try expectNothing(n, client, e)
    }

    /// docs/SEMANTICS.md rule 8: first a selection without FD_CONNECT, then one with it: FD_CONNECT is recorded.
    @Test(arguments: testBackends)
    func rule8_FDConnectRecordedWhenSelectedAfterSubsetWithoutIt(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (server, client) = try makePair(.tcp)
        owned.own(server)
        owned.own(client)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(client, e, [.read])
        try expectNothing(n, client, e)
        try n.eventSelect(client, e, [.read, .connect])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(client, resetting: e).events == [.connect])
    }

    /// docs/SEMANTICS.md rule 8: data that arrives while the selection is cancelled sets nothing and records nothing;
    /// the next selection records it at once.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule8_DataArrivingWhileNotSelectedRecordedAtReselect(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try expectNothing(n, a, e)
        try n.eventSelect(a, e, [])
        try rawSend(b, count: 3)
        #expect(evPoll(a))
        try expectNothing(n, a, e)
        try n.eventSelect(a, e, [.read])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
    }

    /// docs/SEMANTICS.md rule 8: data that arrived and was consumed while not selected leaves nothing to record.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule8_DataConsumedWhileNotSelectedRecordsNothing(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try n.eventSelect(a, e, [])
        try rawSend(b, count: 3)
        #expect(evPoll(a))
        #expect(try rawReceive(a, count: 3) == 3)
        try n.eventSelect(a, e, [.read])
        try expectNothing(n, a, e)
    }
}
