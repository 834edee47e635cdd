// docs/SEMANTICS.md rule 5 (event mode): FD_CLOSE when the peer shuts down its sending side or closes: error nil
// for an orderly FIN, ECONNABORTED for a reset (docs/SEMANTICS.md rule 5); recorded as soon as the FIN arrives,
// even with data unread (docs/SEMANTICS.md rule 5); never for a local shutdown (docs/SEMANTICS.md rule 5); recorded once (docs/SEMANTICS.md rule 5).
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct FDCloseTests {
    @Test(arguments: testBackends, PairKind.allCases)
    func rule5_OrderlyCloseRecordsFDCloseWithNilError(backend: NotifierBackend, kind: PairKind) throws {
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
        #expect(record.error(for: .close) == nil)
    }

    /// docs/SEMANTICS.md rule 5: the peer's shutdown(SHUT_WR) records FD_CLOSE; its later close records nothing more.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule5_PeerShutdownSendRecordsFDCloseAndLaterCloseNothingMore(
        backend: NotifierBackend, kind: PairKind
    ) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .close])
        #expect(Glibc.shutdown(b.rawValue, CInt(SHUT_WR)) == 0)
        let record = try evCollect(n, a, e, [.close])
        #expect(record.events == [.close])
        #expect(record.error(for: .close) == nil)
        owned.close(b)
        if kind == .unix { #expect(evPoll(a, CInt(POLLHUP))) }
        try expectNothing(n, a, e)
    }

    /// docs/SEMANTICS.md rule 5: an RST from the peer records FD_CLOSE with WSAECONNABORTED (ECONNABORTED), not ECONNRESET.
    @Test(arguments: testBackends)
    func rule5_ResetRecordsFDCloseWithECONNABORTED(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try makePair(.tcp)
        owned.own(a)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .write, .close])
        #expect(try waitAndEnum(n, a, e).events == [.write])
        abortiveClose(b)
        let record = try evCollect(n, a, e, [.close])
        #expect(record.events == [.close])
        #expect(record.error(for: .close) == Errno.connectionAbort)
        try expectNothing(n, a, e)
    }

    /// docs/SEMANTICS.md rule 5: FD_CLOSE is recorded as soon as the FIN arrives, while data is still unread; FD_READ
    /// keeps its own re-enabling (partial receive records it again).
    @Test(arguments: testBackends, PairKind.allCases)
    func rule5_FDCloseRecordedWhileDataStillUnread(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .close])
        try rawSend(b, count: 10)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        owned.close(b)
        let record = try evCollect(n, a, e, [.close])
        #expect(record.events == [.close])
        #expect(record.error(for: .close) == nil)
        #expect(try receive(n, a, count: 4) == 4)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        #expect(try receive(n, a, count: 6) == 6)
        #expect(try receive(n, a, count: 10) == 0)
        try expectNothing(n, a, e)
    }

    /// docs/SEMANTICS.md rule 5: no local shutdown (SHUT_RD, SHUT_WR, SHUT_RDWR) records FD_CLOSE, even though Linux then
    /// reports POLLRDHUP/POLLHUP on the socket. On TCP the shutdown is made with Glibc: the TCP state
    /// tells a local shutdown from the peer's FIN. On AF_UNIX a local SHUT_RD and the peer's SHUT_WR
    /// leave identical state on both sockets (unix_shutdown mirrors the bits), so the shutdown goes
    /// through `Notifier.shutdown`, EventSelect's model of Winsock's `shutdown`.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule5_LocalShutdownNeverRecordsFDClose(backend: NotifierBackend, kind: PairKind) throws {
        for how in [CInt(SHUT_RD), CInt(SHUT_WR), CInt(SHUT_RDWR)] {
            let owned = EvOwned()
            defer { owned.closeAll() }
            let (a, _) = try owned.pair(kind)
            let n = try Notifier(backend: backend)
            let e = try SocketEvent()
            try n.eventSelect(a, e, [.read, .close])
            if kind == .tcp {
                #expect(Glibc.shutdown(a.rawValue, how) == 0)
            } else {
                try n.shutdown(a, how: how)
            }
            let record = try n.enumNetworkEvents(a, resetting: nil)
            #expect(record.events == [], "local shutdown(\(how)) on \(kind)")
            #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil, "local shutdown(\(how)) on \(kind)")
        }
    }

    /// docs/SEMANTICS.md rule 5: FD_CLOSE is recorded once; reading the end of stream and re-selecting record nothing more.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule5_FDCloseRecordedOnceNeverReenabled(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .close])
        owned.close(b)
        #expect(try evCollect(n, a, e, [.close]).events == [.close])
        try expectNothing(n, a, e)
        #expect(try receive(n, a, count: 10) == 0)
        try expectNothing(n, a, e)
        try n.eventSelect(a, e, [.read, .close])
        try expectNothing(n, a, e)
        try n.eventSelect(a, e, [])
        try n.eventSelect(a, e, [.close])
        try expectNothing(n, a, e)
    }
}
