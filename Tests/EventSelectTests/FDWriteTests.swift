// docs/SEMANTICS.md rule 6 (event mode): FD_WRITE when the socket is connected and can send (docs/SEMANTICS.md rule 6); a
// never-connected stream socket records nothing at all (docs/SEMANTICS.md rule 6).
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct FDWriteTests {
    @Test(arguments: testBackends, PairKind.allCases)
    func rule6_ConnectedSocketRecordsFDWrite(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, _) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.write])
        let record = try waitAndEnum(n, a, e)
        #expect(record.events == [.write])
        #expect(record.error(for: .write) == nil)
        try expectNothing(n, a, e)
    }

    /// Linux reports POLLOUT|POLLHUP for an unconnected stream socket; Windows records nothing.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule6_NeverConnectedStreamSocketRecordsNothing(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let s = owned.own(try evUnconnectedStreamSocket(kind))
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(s, e, .all)
        try expectNothing(n, s, e)
        try n.eventSelect(s, e, [.read, .write, .close])
        try expectNothing(n, s, e)
    }
}
