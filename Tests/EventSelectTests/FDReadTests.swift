// docs/SEMANTICS.md rule 1 (event mode): FD_READ means data can be read; end of stream alone is never FD_READ;
// with SO_OOBINLINE urgent data counts as FD_READ, not FD_OOB.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct FDReadTests {
    @Test(arguments: testBackends, PairKind.allCases)
    func rule1_FDReadRecordedWhenDataArrives(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try expectNothing(n, a, e)
        try rawSend(b, count: 10)
        let record = try waitAndEnum(n, a, e)
        #expect(record.events == [.read])
        #expect(record.error(for: .read) == nil)
        #expect(try receive(n, a, count: 100) == 10)
        try expectNothing(n, a, e)
    }

    /// docs/SEMANTICS.md rule 1: the peer's FIN makes the socket readable on Linux (recv returns 0) but Windows records
    /// only FD_CLOSE, never FD_READ, for closure.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule1_EndOfStreamAloneIsNeverFDRead(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .close])
        try expectNothing(n, a, e)
        owned.close(b)
        let record = try evCollect(n, a, e, [.close])
        #expect(record.events == [.close])
        // Reading the end of stream (a re-enabling call for FD_READ) records nothing either.
        #expect(try receive(n, a, count: 10) == 0)
        try expectNothing(n, a, e)
    }

    /// Only FD_READ selected: the peer's close records nothing selected, so the event stays unset.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule1_EndOfStreamWithOnlyFDReadSelectedSetsNothing(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        owned.close(b)
        // Bounded wait for the FIN to reach `a` before checking that nothing was recorded.
        #expect(evPoll(a, CInt(POLLIN) | evPOLLRDHUP))
        try expectNothing(n, a, e)
    }

    /// docs/SEMANTICS.md rule 1: with SO_OOBINLINE on, urgent data is ordinary data: FD_READ, not FD_OOB.
    @Test(arguments: testBackends)
    func rule1_OOBInlineUrgentDataIsFDReadNotFDOOB(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(.tcp)
        try evSetOption(a, SOL_SOCKET, SO_OOBINLINE, 1)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .oob])
        try expectNothing(n, a, e)
        try rawSend(b, count: 1, flags: CInt(MSG_OOB))
        let record = try evCollect(n, a, e, [.read])
        #expect(record.events == [.read])
        #expect(try receive(n, a, count: 10) == 1)
        try expectNothing(n, a, e)
    }
}
