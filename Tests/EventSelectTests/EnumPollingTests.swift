// enumNetworkEvents that finds nothing recorded answers at once, without a delivery pass; a second
// empty look at the same socket with no delivery in between drives the notifiers, so a program that
// polls enumNetworkEvents and never waits still sees its events (docs/ARCHITECTURE.md, "Who delivers").
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct EnumPollingTests {
    /// Data arrives (AF_UNIX: readable at once); polling enumNetworkEvents alone finds FD_READ by
    /// the second look, and nothing after it has been read.
    @Test(arguments: testBackends)
    func pollingEnumWithoutWaitingSeesEvents(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try makePair(.unix)
        owned.own(a)
        owned.own(b)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try expectNothing(n, a, e)
        #expect(try rawSend(b, count: 3) == 3)
        #expect(evPoll(a))
        var seen: NetworkEvents = []
        var looks = 0
        while seen.isEmpty && looks < 2 {
            seen = try n.enumNetworkEvents(a, resetting: nil).events
            looks += 1
        }
        #expect(seen == [.read])
        #expect(try receive(n, a, count: 3) == 3)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [])
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
    }
}
