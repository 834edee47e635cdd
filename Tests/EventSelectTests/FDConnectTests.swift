// docs/SEMANTICS.md rule 4 (event mode): a non-blocking connect that finishes records FD_CONNECT. Success: error
// nil and FD_WRITE recorded with it (docs/SEMANTICS.md rule 4). Failure: the errno and no FD_WRITE (docs/SEMANTICS.md rule 4). TCP only.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct FDConnectTests {
    @Test(arguments: testBackends)
    func rule4_ConnectSuccessRecordsFDConnectWithNilErrorAndFDWrite(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (_, address) = try owned.listener()
        let s = owned.own(try tcpSocket())
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(s, e, [.connect, .write, .read, .close])
        try expectNothing(n, s, e)
        try connect(n, s, address)
        let record = try evCollect(n, s, e, [.connect, .write])
        #expect(record.events == [.connect, .write])
        #expect(record.error(for: .connect) == nil)
        #expect(record.error(for: .write) == nil)
        try expectNothing(n, s, e)
    }

    /// FD_WRITE is recorded with FD_CONNECT even when only FD_CONNECT is selected; it stays in the
    /// record (rule 12) and is reported once FD_WRITE is selected (rule 13: event set at once).
    @Test(arguments: testBackends)
    func rule4_FDWriteRecordedWithFDConnectEvenWhenNotSelected(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (_, address) = try owned.listener()
        let s = owned.own(try tcpSocket())
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(s, e, [.connect])
        try connect(n, s, address)
        let record = try waitAndEnum(n, s, e)
        #expect(record.events == [.connect])
        try n.eventSelect(s, e, [.connect, .write])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(s, resetting: e).events == [.write])
        try expectNothing(n, s, e)
    }

    @Test(arguments: testBackends)
    func rule4_ConnectRefusedRecordsOnlyFDConnectWithECONNREFUSED(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let address = try refusedAddress()
        let s = owned.own(try tcpSocket())
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(s, e, .all)
        try connect(n, s, address)
        let record = try evCollect(n, s, e, [.connect])
        #expect(record.events == [.connect])
        #expect(record.error(for: .connect) == Errno.connectionRefused)
        // No FD_WRITE, no FD_CLOSE, ever, for a failed connect.
        try expectNothing(n, s, e)
        try n.eventSelect(s, e, [.write, .close, .read])
        try expectNothing(n, s, e)
    }
}
