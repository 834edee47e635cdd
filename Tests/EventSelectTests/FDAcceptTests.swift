// docs/SEMANTICS.md rule 3 (event mode): FD_ACCEPT is recorded when a connection waits on a listening socket (docs/SEMANTICS.md rule 3).
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct FDAcceptTests {
    @Test(arguments: testBackends)
    func rule3_FDAcceptRecordedWhenConnectionArrives(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept])
        try expectNothing(n, listener, e)
        try owned.connectedClient(address)
        let record = try waitAndEnum(n, listener, e)
        #expect(record.events == [.accept])
        #expect(record.error(for: .accept) == nil)
        let server = owned.own(try n.accept(listener))
        #expect(server.rawValue >= 0)
        try expectNothing(n, listener, e)
    }

    /// A listening socket with every event selected records only FD_ACCEPT: never FD_WRITE,
    /// FD_READ or FD_CONNECT.
    @Test(arguments: testBackends)
    func rule3_ListenerWithAllSelectedRecordsOnlyFDAccept(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, .all)
        try expectNothing(n, listener, e)
        try owned.connectedClient(address)
        #expect(try evCollect(n, listener, e, [.accept]).events == [.accept])
        try expectNothing(n, listener, e)
    }
}
