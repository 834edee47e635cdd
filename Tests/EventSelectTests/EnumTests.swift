// docs/SEMANTICS.md rule 12: enumNetworkEvents returns the recorded events that are in the current selection,
// with their errors, clears them and resets the given event; recorded events outside the
// selection stay recorded (docs/SEMANTICS.md rule 12); nothing new: empty.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct EnumTests {
    @Test(arguments: testBackends, PairKind.allCases)
    func rule12_EnumReturnsRecordClearsItAndResetsEvent(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .write, .close])
        try rawSend(b, count: 2)
        owned.close(b)
        let record = try evCollect(n, a, e, [.read, .write, .close])
        #expect(record == NetworkEventRecord(events: [.read, .write, .close], errors: [:]))
        #expect(!e.isSet)
        // Nothing new: empty, and the event stays unset.
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [])
        #expect(try n.enumNetworkEvents(a, resetting: nil).events == [])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
    }

    /// The errors come with the record: ECONNABORTED for FD_CLOSE after an RST, nil for FD_WRITE.
    @Test(arguments: testBackends)
    func rule12_EnumReturnsErrors(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try makePair(.tcp)
        owned.own(a)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.write, .close])
        abortiveClose(b)
        #expect(evPoll(a, CInt(POLLERR)))
        let record = try evCollect(n, a, e, [.write, .close])
        #expect(record.events.contains(.close))
        #expect(record.error(for: .close) == Errno.connectionAbort)
        #expect(record.error(for: .write) == nil)
        #expect(record.error(for: .read) == nil)
    }

    @Test(arguments: testBackends)
    func rule12_EnumReturnsConnectError(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let s = owned.own(try tcpSocket())
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(s, e, [.connect])
        try connect(n, s, try refusedAddress())
        let record = try waitAndEnum(n, s, e)
        #expect(record == NetworkEventRecord(events: [.connect], errors: [.connect: .connectionRefused]))
        #expect(try n.enumNetworkEvents(s, resetting: e) == NetworkEventRecord(events: [], errors: [:]))
    }

    /// docs/SEMANTICS.md rule 12 (Wine: "WSAEnumNetworkEvents() should not clear events we are not currently selecting
    /// for"): FD_READ recorded, then a selection without FD_READ: enum returns nothing and keeps
    /// FD_READ, which a later selection with FD_READ returns — even after the data was taken
    /// behind EventSelect's back, because the record, not the socket's state, is reported.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule12_EventsOutsideSelectionStayRecorded(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try rawSend(b, count: 4)
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        try n.eventSelect(a, e, [.close])
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [])
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [])
        #expect(try rawReceive(a, count: 4) == 4)
        try n.eventSelect(a, e, [.read, .close])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
        try expectNothing(n, a, e)
    }

    /// Data arriving while FD_READ is not selected is reported once FD_READ is selected (docs/SEMANTICS.md rule 12).
    @Test(arguments: testBackends, PairKind.allCases)
    func rule12_DataArrivingWhileFDReadUnselectedReportedWhenSelected(
        backend: NotifierBackend, kind: PairKind
    ) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.write])
        #expect(try waitAndEnum(n, a, e).events == [.write])
        try rawSend(b, count: 4)
        #expect(evPoll(a))
        try expectNothing(n, a, e)
        try n.eventSelect(a, e, [.read, .write])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
    }

    /// Enumerating through one notifier reads and clears the record for all: the record belongs to
    /// the socket, not to the notifier.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule12_RecordIsPerSocketAcrossNotifiers(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n1 = try Notifier(backend: backend)
        let n2 = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n1.eventSelect(a, e, [.read])
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        #expect(try n2.enumNetworkEvents(a, resetting: e).events == [.read])
        #expect(try n1.enumNetworkEvents(a, resetting: e).events == [])
    }
}
