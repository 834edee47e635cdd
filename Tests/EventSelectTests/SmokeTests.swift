import EventSelect
import Glibc
import SystemPackage
import Testing

@Test(arguments: testBackends, PairKind.allCases)
func smokeReadWriteClose(backend: NotifierBackend, kind: PairKind) throws {
    let (a, b) = try makePair(kind)
    defer { closeQuietly(a) }
    let n = try Notifier(backend: backend)
    let e = try SocketEvent()
    try n.eventSelect(a, e, [.read, .write, .close])
    #expect(try waitAndEnum(n, a, e).events == [.write])
    try rawSend(b, count: 10)
    #expect(try waitAndEnum(n, a, e).events == [.read])
    #expect(try receive(n, a, count: 4) == 4)
    #expect(try waitAndEnum(n, a, e).events == [.read])
    #expect(try receive(n, a, count: 100) == 6)
    try expectNothing(n, a, e)
    closeQuietly(b)
    let record = try waitAndEnum(n, a, e)
    #expect(record.events == [.close])
    #expect(record.error(for: .close) == nil)
}
