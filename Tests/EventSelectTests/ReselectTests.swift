// docs/SEMANTICS.md rules 13-14 (event mode). 13: re-selecting keeps the record; an event reported and not
// re-enabled stays suppressed even across a cancel and a new eventSelect (docs/SEMANTICS.md rule 13); if recorded events
// intersect the new selection the event object is set at once (docs/SEMANTICS.md rule 13). 14: last one wins, whichever
// descriptor or Notifier instance is used (docs/SEMANTICS.md rules 14, 20); after the call returns the previous
// event object is not set again, one already set stays set (docs/SEMANTICS.md rule 13); an empty set cancels (docs/SEMANTICS.md rule 14).
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct ReselectTests {
    /// A recorded, not yet enumerated event survives re-selection (with another event object) and
    /// sets the new object at once.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule13_RecordSurvivesReselectAndSetsNewEventAtOnce(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e1 = try SocketEvent()
        let e2 = try SocketEvent()
        try n.eventSelect(a, e1, [.read])
        try rawSend(b, count: 3)
        #expect(try SocketEvent.waitAny([e1], timeout: mustHappen) == 0)
        try n.eventSelect(a, e2, [.read, .close])
        #expect(try SocketEvent.waitAny([e2], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e2).events == [.read])
        try expectNothing(n, a, e2)
    }

    /// docs/SEMANTICS.md rule 13 (Wine test_WSAEnumNetworkEvents): selecting FD_READ|FD_WRITE five times on a connected
    /// socket, enumerating each time, reports FD_WRITE only the first time.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule13_RepeatedSelectReportsFDWriteOnce(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, _) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        for round in 0..<5 {
            try n.eventSelect(a, e, [.read, .write])
            let record = try n.enumNetworkEvents(a, resetting: e)
            #expect(record.events == (round == 0 ? [.write] : []), "round \(round)")
        }
    }

    /// FD_READ and FD_WRITE reported and not re-enabled stay suppressed across a cancel and a new
    /// selection, with the data still unread.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule13_ReportedReadWriteSuppressedAcrossCancelAndReselect(
        backend: NotifierBackend, kind: PairKind
    ) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .write])
        #expect(try waitAndEnum(n, a, e).events == [.write])
        try rawSend(b, count: 6)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        try n.eventSelect(a, e, [.read, .write])
        try expectNothing(n, a, e)
        try n.eventSelect(a, e, [])
        try n.eventSelect(a, e, [.read, .write])
        try expectNothing(n, a, e)
        // Re-enabled by a receive (partial), FD_READ comes back.
        #expect(try receive(n, a, count: 2) == 2)
        #expect(try waitAndEnum(n, a, e, timeout: .zero).events == [.read])
    }

    @Test(arguments: testBackends)
    func rule13_ReportedAcceptSuppressedAcrossCancelAndReselect(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept])
        try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        try n.eventSelect(listener, e, [.accept])
        try expectNothing(n, listener, e)
        try n.eventSelect(listener, e, [])
        try n.eventSelect(listener, e, [.accept])
        try expectNothing(n, listener, e)
    }

    @Test(arguments: testBackends)
    func rule13_ReportedOOBSuppressedAcrossCancelAndReselect(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(.tcp)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.oob])
        try rawSend(b, count: 1, flags: CInt(MSG_OOB))
        #expect(try waitAndEnum(n, a, e).events == [.oob])
        try n.eventSelect(a, e, [])
        try n.eventSelect(a, e, [.oob])
        try expectNothing(n, a, e)
    }

    @Test(arguments: testBackends, PairKind.allCases)
    func rule13_ReportedCloseSuppressedAcrossCancelAndReselect(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.close])
        owned.close(b)
        #expect(try evCollect(n, a, e, [.close]).events == [.close])
        try n.eventSelect(a, e, [])
        try n.eventSelect(a, e, [.close, .read])
        try expectNothing(n, a, e)
    }

    /// FD_CONNECT reported once stays reported: a re-selection of the connected socket does not
    /// record it again.
    @Test(arguments: testBackends)
    func rule13_ReportedConnectSuppressedAcrossCancelAndReselect(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (_, address) = try owned.listener()
        let s = owned.own(try tcpSocket())
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(s, e, [.connect, .write])
        try connect(n, s, address)
        #expect(try evCollect(n, s, e, [.connect, .write]).events == [.connect, .write])
        try n.eventSelect(s, e, [])
        try n.eventSelect(s, e, [.connect, .write])
        try expectNothing(n, s, e)
    }

    /// docs/SEMANTICS.md rule 13 (Wine test_accept_events "select on a subset containing FD_ACCEPT first"): a set event
    /// stays set when re-selecting without the recorded event; after a reset, a selection without it
    /// leaves the event unset; a selection with it sets the event at once and enum returns it.
    @Test(arguments: testBackends)
    func rule13_EventSetAtOnceOnlyWhenRecordIntersectsSelection(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept])
        try owned.connectedClient(address)
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        try n.eventSelect(listener, e, [.read])
        #expect(e.isSet)
        e.reset()
        try n.eventSelect(listener, e, [.read])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
        try n.eventSelect(listener, e, [.read, .accept])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(listener, resetting: e).events == [.accept])
    }

    /// Rule 14: a second eventSelect with another event object replaces the first: data sets only
    /// the new object; the old one is never set again.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule14_LastEventSelectWinsNewEventObject(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e1 = try SocketEvent()
        let e2 = try SocketEvent()
        try n.eventSelect(a, e1, [.read])
        try n.eventSelect(a, e2, [.read])
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([e2], timeout: mustHappen) == 0)
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil)
        #expect(try n.enumNetworkEvents(a, resetting: e2).events == [.read])
        owned.close(b)
        #expect(try SocketEvent.waitAny([e1, e2], timeout: .zero) == nil)
    }

    /// Rule 14 / docs/SEMANTICS.md rule 20: no FD_READ to one object and FD_WRITE to another: the second selection's event
    /// set replaces the first's.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule14_LastEventSelectWinsEventSet(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let eRead = try SocketEvent()
        let eWrite = try SocketEvent()
        try n.eventSelect(a, eRead, [.read])
        try n.eventSelect(a, eWrite, [.write])
        #expect(try waitAndEnum(n, a, eWrite).events == [.write])
        try rawSend(b, count: 1)
        #expect(evPoll(a))
        #expect(try SocketEvent.waitAny([eRead, eWrite], timeout: .zero) == nil)
        #expect(try n.enumNetworkEvents(a, resetting: nil).events == [])
    }

    /// Rule 14 across two Notifier instances: the selection made through the second replaces the
    /// first's; either notifier sees the same (one) registration.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule14_LastOneWinsAcrossNotifierInstances(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n1 = try Notifier(backend: backend)
        let n2 = try Notifier(backend: backend)
        let e1 = try SocketEvent()
        let e2 = try SocketEvent()
        try n1.eventSelect(a, e1, [.read, .close])
        try n2.eventSelect(a, e2, [.read])
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([e2], timeout: mustHappen) == 0)
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil)
        #expect(try n1.enumNetworkEvents(a, resetting: e2).events == [.read])
        // n1's FD_CLOSE is gone with its selection: the peer's close sets nothing.
        owned.close(b)
        #expect(evPoll(a, CInt(POLLIN) | evPOLLRDHUP))
        #expect(try SocketEvent.waitAny([e1, e2], timeout: .zero) == nil)
        // n1 selects again: it wins back, and the close held now is recorded at once.
        try n1.eventSelect(a, e1, [.close])
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == 0)
        #expect(try SocketEvent.waitAny([e2], timeout: .zero) == nil)
        #expect(try n2.enumNetworkEvents(a, resetting: e1).events == [.close])
    }

    /// Rule 14 across two Notifier instances of different backends (where both exist).
    @Test func rule14_LastOneWinsAcrossBackends() throws {
        guard testBackends.count > 1 else { return }
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(.unix)
        let n1 = try Notifier(backend: testBackends[0])
        let n2 = try Notifier(backend: testBackends[1])
        let e1 = try SocketEvent()
        let e2 = try SocketEvent()
        try n1.eventSelect(a, e1, [.read])
        try n2.eventSelect(a, e2, [.read])
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([e2], timeout: mustHappen) == 0)
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil)
        try n1.eventSelect(a, e1, [.read])
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == 0)
        #expect(try n1.enumNetworkEvents(a, resetting: e1).events == [.read])
        #expect(try receive(n2, a, count: 1) == 1)
        e2.reset()
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([e1], timeout: mustHappen) == 0)
        #expect(try SocketEvent.waitAny([e2], timeout: .zero) == nil)
    }

    /// Rule 14 across two descriptors of one socket (dup): selecting through the second descriptor
    /// replaces the selection made through the first.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule14_LastOneWinsAcrossDescriptors(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let d = owned.own(try evDup(a))
        let n = try Notifier(backend: backend)
        let e1 = try SocketEvent()
        let e2 = try SocketEvent()
        try n.eventSelect(a, e1, [.read, .write])
        #expect(try waitAndEnum(n, a, e1).events == [.write])
        try n.eventSelect(d, e2, [.read])
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([e2], timeout: mustHappen) == 0)
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil)
        // Through either descriptor, one record.
        #expect(try n.enumNetworkEvents(a, resetting: e2).events == [.read])
        #expect(try n.enumNetworkEvents(d, resetting: e2).events == [])
        // And the other way round.
        try n.eventSelect(a, e1, [.read])
        #expect(try receive(n, d, count: 1) == 1)
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([e1], timeout: mustHappen) == 0)
        #expect(try SocketEvent.waitAny([e2], timeout: .zero) == nil)
    }

    /// Rule 14: an object already set by the previous selection stays set (as on Windows), but once
    /// reset it is never set again for this socket.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule14_PreviousEventStaysSetButIsNeverSetAgain(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e1 = try SocketEvent()
        let e2 = try SocketEvent()
        try n.eventSelect(a, e1, [.read, .write, .close])
        #expect(try SocketEvent.waitAny([e1], timeout: mustHappen) == 0)
        try n.eventSelect(a, e2, [.read, .write, .close])
        #expect(e1.isSet)
        e1.reset()
        #expect(try n.enumNetworkEvents(a, resetting: e2).events == [.write])
        try rawSend(b, count: 3)
        #expect(try waitAndEnum(n, a, e2).events == [.read])
        #expect(try receive(n, a, count: 1) == 1)
        #expect(try waitAndEnum(n, a, e2, timeout: .zero).events == [.read])
        owned.close(b)
        #expect(try evCollect(n, a, e2, [.close]).events == [.close])
        #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil)
    }

    /// docs/SEMANTICS.md rule 14: an empty set cancels: nothing is recorded and no object set while cancelled.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule14_EmptySetCancels(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .close])
        try n.eventSelect(a, e, [])
        try rawSend(b, count: 1)
        owned.close(b)
        #expect(evPoll(a, CInt(POLLIN) | evPOLLRDHUP))
        try expectNothing(n, a, e)
        // A cancelled socket's record stays empty however often one looks.
        #expect(try n.enumNetworkEvents(a, resetting: nil).events == [])
    }
}
