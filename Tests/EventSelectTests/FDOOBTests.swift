// docs/SEMANTICS.md rule 2 (event mode): FD_OOB is recorded when urgent data is pending and SO_OOBINLINE is off
// (docs/SEMANTICS.md rule 2). TCP only: AF_UNIX has no urgent data.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct FDOOBTests {
    @Test(arguments: testBackends)
    func rule2_FDOOBRecordedForUrgentData(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(.tcp)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.oob])
        try expectNothing(n, a, e)
        try rawSend(b, count: 1, flags: CInt(MSG_OOB))
        let record = try waitAndEnum(n, a, e)
        #expect(record.events == [.oob])
        #expect(record.error(for: .oob) == nil)
        #expect(try receive(n, a, count: 1, flags: CInt(MSG_OOB)) == 1)
        try expectNothing(n, a, e)
    }

    /// Normal data followed by an urgent byte: FD_READ for the data, FD_OOB for the urgent byte.
    @Test(arguments: testBackends)
    func rule2_UrgentByteAfterNormalDataRecordsFDReadAndFDOOB(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(.tcp)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .oob])
        try rawSend(b, count: 3)
        try rawSend(b, count: 1, flags: CInt(MSG_OOB))
        let record = try evCollect(n, a, e, [.read, .oob])
        #expect(record.events == [.read, .oob])
    }

    /// Urgent data with only FD_READ selected (SO_OOBINLINE off) is not FD_READ: nothing is set.
    @Test(arguments: testBackends)
    func rule2_UrgentDataIsNotFDReadWhenOOBInlineOff(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(.tcp)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try rawSend(b, count: 1, flags: CInt(MSG_OOB))
        #expect(evPoll(a, CInt(POLLPRI)))
        try expectNothing(n, a, e)
        // Selecting FD_OOB now records it at once (rule 8).
        try n.eventSelect(a, e, [.read, .oob])
        #expect(try waitAndEnum(n, a, e, timeout: .zero).events == [.oob])
    }
}
